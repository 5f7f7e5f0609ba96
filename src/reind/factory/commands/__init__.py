"""The plant's own command log: every command, setpoint change and alarm action, hash-chained.

Imports ``core`` only (the chain mechanism is ``core.chain``); written by the
plant pages' command handler, read by its log page and ``verify_command_log``.
"""

from reind.factory.commands.log import (
    CommandEntry,
    PlantCommand,
    command_log,
    record_command,
    verify_command_log,
)

__all__ = [
    "CommandEntry",
    "PlantCommand",
    "command_log",
    "record_command",
    "verify_command_log",
]
