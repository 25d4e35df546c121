"""stub"""
def add_parser(sub, common):
    p = sub.add_parser("replay", parents=[common], help="replay")
    p.set_defaults(run=lambda a, s: 0)
