"""Undoable user edits: QUndoCommands that store ids and before/after values and call a
service in ``redo``/``undo`` (glue's ``glue/core/command.py``)."""
