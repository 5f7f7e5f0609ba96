"""The fast decoder reads every number as the full decoder (``wire.metric_value``) does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from reind.factory.sparkplug import DataType, decode_points
from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.datatypes import VALUE_FIELD
from reind.factory.sparkplug.fast_decode import SlowPathError, number
from reind.factory.sparkplug.wire import metric_value
from tests.factory.sparkplug.strategies import integers_on_the_wire


@settings(max_examples=400, deadline=None)
@given(integers_on_the_wire())
def test_every_integer_datatype_decodes_as_the_full_decoder_does(
    case: tuple[DataType, int, int],
) -> None:
    datatype, value, wire = case
    metric = pb.Payload.Metric(alias=1, datatype=datatype)
    setattr(metric, VALUE_FIELD[datatype], wire)
    assert metric_value(metric, datatype) == value
    if abs(value) <= 1 << 53:
        assert number(metric, datatype) == float(value)
    else:  # a double would round it: the full decoder keeps it exactly (issue 14)
        with pytest.raises(SlowPathError):
            number(metric, datatype)
    data = pb.Payload(seq=0, metrics=[metric]).SerializeToString()
    assert decode_points(data)[0][3] == value


@pytest.mark.parametrize(
    ("datatype", "wire"),
    [(DataType.Int8, 1 << 8), (DataType.UInt8, 1 << 8), (DataType.Int16, 1 << 16)],
)
def test_a_value_that_does_not_fit_its_datatype_goes_to_the_slow_path(
    datatype: DataType, wire: int
) -> None:
    with pytest.raises(SlowPathError):
        number(pb.Payload.Metric(alias=1, int_value=wire), datatype)
