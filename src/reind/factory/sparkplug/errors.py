"""Errors raised by reind's Sparkplug B library.

They all derive from :class:`reind.core.errors.InvalidInputError`, because
each one means "the bytes or topic we were given are not acceptable
Sparkplug", so the gateway can catch one class and dead-letter the message::

    InvalidInputError
     └── SparkplugError                a topic or message breaks the specification
          └── SparkplugDecodeError     payload bytes are malformed or out of spec
               └── SparkplugUnsupportedError  valid Sparkplug that reind does not handle
"""

from __future__ import annotations

from reind.core.errors import InvalidInputError


class SparkplugError(InvalidInputError):
    """A Sparkplug topic, payload or message sequence breaks the specification."""

    code = "sparkplug_error"


class SparkplugDecodeError(SparkplugError):
    """Payload bytes that are not a valid Sparkplug B payload."""

    code = "sparkplug_decode_error"


class SparkplugUnsupportedError(SparkplugDecodeError):
    """A valid Sparkplug feature that reind does not decode (DataSet, Template)."""

    code = "sparkplug_unsupported"
