"""stub"""
def add_parser(sub, common):
    p = sub.add_parser("html", parents=[common], help="html")
    p.set_defaults(run=lambda a, s: 0)
