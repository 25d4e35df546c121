"""Putting the pipeline together for applications that have no SDK setup: ``configure()``,
``shutdown()`` and flushing in forked children."""
