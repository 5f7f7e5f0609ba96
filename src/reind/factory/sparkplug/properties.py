"""Metric properties (PropertySet) as plain Python dicts.

Decoded properties are ``dict[str, object]``: basic values become Python
values, a PropertySet a nested dict and a PropertySetList a list of dicts.
When encoding, a plain value's datatype is inferred (bool -> Boolean, int ->
Int32/Int64/UInt64 by range, float -> Double, str -> String, datetime ->
DateTime, dict -> PropertySet, list of dicts -> PropertySetList, None -> a
null String); wrap a value in :class:`PropertyValue` to choose the datatype,
as the specification's ``Quality`` property (Int32) needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.datatypes import DataType, to_datatype
from reind.factory.sparkplug.errors import SparkplugDecodeError, SparkplugError
from reind.factory.sparkplug.wire import set_value, value_from_wire

MAX_DEPTH = 16
"""Deepest nesting of property sets accepted, so hostile input cannot recurse forever."""


@dataclass(frozen=True, slots=True)
class PropertyValue:
    """A property value with an explicit datatype (for encoding)."""

    datatype: DataType
    value: object


def decode_properties(pset: pb.Payload.PropertySet, depth: int = 0) -> dict[str, object]:
    """A PropertySet as a dict; SparkplugDecodeError if malformed."""
    if depth > MAX_DEPTH:
        raise SparkplugDecodeError("property sets are nested too deeply")
    if len(pset.keys) != len(pset.values):
        # tck-id-payloads-propertyset-keys-array-size / -values-array-size
        raise SparkplugDecodeError(
            f"PropertySet has {len(pset.keys)} keys but {len(pset.values)} values"
        )
    return {
        key: _decode_value(value, depth) for key, value in zip(pset.keys, pset.values, strict=True)
    }


def _decode_value(pv: pb.Payload.PropertyValue, depth: int) -> object:
    datatype = to_datatype(pv.type)
    if pv.is_null:
        return None
    which = pv.WhichOneof("value")
    if which is None:
        return None
    if datatype is DataType.PropertySet:
        if which != "propertyset_value":
            raise SparkplugDecodeError(f"a PropertySet property cannot arrive in {which}")
        return decode_properties(pv.propertyset_value, depth + 1)
    if datatype is DataType.PropertySetList:
        if which != "propertysets_value":
            raise SparkplugDecodeError(f"a PropertySetList property cannot arrive in {which}")
        return [decode_properties(p, depth + 1) for p in pv.propertysets_value.propertyset]
    if which in ("propertyset_value", "propertysets_value"):
        raise SparkplugDecodeError(f"a {datatype.name} property cannot arrive in {which}")
    if datatype > DataType.Text or datatype is DataType.Unknown:
        # tck-id-payloads-metric-propertyvalue-type-value: basic or property-set types only
        raise SparkplugDecodeError(f"{datatype.name} is not a property value datatype")
    return value_from_wire(which, getattr(pv, which), datatype)


def encode_properties(
    properties: Mapping[str, object], target: pb.Payload.PropertySet, depth: int = 0
) -> None:
    """Fill ``target`` from a dict of properties."""
    if depth > MAX_DEPTH:
        raise SparkplugError("property sets are nested too deeply")
    for key, raw in properties.items():
        if not isinstance(key, str):
            raise SparkplugError(f"property keys must be strings, not {key!r}")
        typed = raw if isinstance(raw, PropertyValue) else PropertyValue(_infer(raw), raw)
        target.keys.append(key)
        pv = target.values.add()
        pv.type = typed.datatype
        value = typed.value
        if value is None:
            pv.is_null = True
        elif typed.datatype is DataType.PropertySet:
            if not isinstance(value, Mapping):
                raise SparkplugError(f"property {key!r}: a PropertySet needs a dict")
            pv.propertyset_value.SetInParent()  # an empty set is still a set
            encode_properties(value, pv.propertyset_value, depth + 1)
        elif typed.datatype is DataType.PropertySetList:
            sets = pv.propertysets_value
            for item in value:  # type: ignore[attr-defined]
                if not isinstance(item, Mapping):
                    raise SparkplugError(f"property {key!r}: a PropertySetList needs dicts")
                encode_properties(item, sets.propertyset.add(), depth + 1)
            if not sets.propertyset:
                sets.SetInParent()
        elif DataType.Unknown < typed.datatype <= DataType.Text:
            set_value(pv, typed.datatype, value)
        else:
            raise SparkplugError(f"property {key!r}: {typed.datatype.name} is not allowed")


def _infer(value: object) -> DataType:
    if value is None:
        return DataType.String
    if isinstance(value, bool):
        return DataType.Boolean
    if isinstance(value, int):
        if -(1 << 31) <= value < 1 << 31:
            return DataType.Int32
        return DataType.Int64 if value < 1 << 63 else DataType.UInt64
    if isinstance(value, float):
        return DataType.Double
    if isinstance(value, str):
        return DataType.String
    if isinstance(value, datetime):
        return DataType.DateTime
    if isinstance(value, Mapping):
        return DataType.PropertySet
    if isinstance(value, list | tuple):
        return DataType.PropertySetList
    raise SparkplugError(f"cannot infer a Sparkplug property datatype for {value!r}")
