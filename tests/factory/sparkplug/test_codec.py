"""The payload codec: every datatype round-trips; bad content is refused clearly."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.factory.sparkplug import (
    DataType,
    Metric,
    Payload,
    PropertyValue,
    SparkplugDecodeError,
    SparkplugError,
    SparkplugUnsupportedError,
    decode_payload,
    decode_points,
    encode_payload,
)
from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from tests.factory.sparkplug.strategies import VALUES, payloads


def _one(datatype: DataType, value: object) -> Payload:
    return Payload(timestamp=1, seq=0, metrics=(Metric("m", 1, datatype, value, 5),))


@pytest.mark.parametrize("datatype", sorted(VALUES), ids=lambda d: d.name)
@given(data=st.data())
def test_every_datatype_round_trips_through_the_wire(
    datatype: DataType, data: st.DataObject
) -> None:
    value = data.draw(VALUES[datatype])
    payload = _one(datatype, value)
    assert decode_payload(encode_payload(payload)) == payload


@given(payloads)
def test_any_valid_payload_round_trips(payload: Payload) -> None:
    assert decode_payload(encode_payload(payload)) == payload


@given(payloads)
def test_fast_path_agrees_with_the_full_decoder(payload: Payload) -> None:
    data = encode_payload(payload)
    points = decode_points(data)
    assert points == [
        (
            m.name or None,
            m.alias,
            m.timestamp if m.timestamp is not None else payload.timestamp,
            m.value,
            m.is_historical,
        )
        for m in payload.metrics
    ]


def test_signed_small_integers_travel_as_32_bit_twos_complement() -> None:
    message = pb.Payload.FromString(encode_payload(_one(DataType.Int8, -1)))
    assert message.metrics[0].int_value == 0xFFFF_FFFF


def test_narrow_twos_complement_from_other_implementations_is_accepted() -> None:
    message = pb.Payload(metrics=[pb.Payload.Metric(name="m", datatype=1, int_value=0xFF)])
    assert decode_payload(message.SerializeToString()).metrics[0].value == -1


def test_boolean_array_matches_the_specification_example() -> None:
    bits = [False, False, True, True, False, True, False, False, True, True, False, True]
    message = pb.Payload.FromString(encode_payload(_one(DataType.BooleanArray, tuple(bits))))
    assert message.metrics[0].bytes_value == bytes([0x0C, 0, 0, 0, 0x34, 0xD0])


def test_string_array_matches_the_specification_example() -> None:
    message = pb.Payload.FromString(encode_payload(_one(DataType.StringArray, ("ABC", "hello"))))
    assert message.metrics[0].bytes_value == b"ABC\x00hello\x00"


def test_arrays_are_packed_little_endian() -> None:
    message = pb.Payload.FromString(encode_payload(_one(DataType.Int16Array, (1, -2))))
    assert message.metrics[0].bytes_value == struct.pack("<2h", 1, -2)


def test_datetime_is_milliseconds_since_the_epoch() -> None:
    moment = datetime(2024, 5, 1, 8, 30, 0, 123000, tzinfo=UTC)
    message = pb.Payload.FromString(encode_payload(_one(DataType.DateTime, moment)))
    assert message.metrics[0].long_value == 1_714_552_200_123


def test_quality_property_can_be_sent_as_int32() -> None:
    quality = PropertyValue(DataType.Int32, 500)
    metric = Metric("m", 1, DataType.Double, 1.0, properties={"Quality": quality})
    message = pb.Payload.FromString(encode_payload(Payload(1, 0, (metric,))))
    assert message.metrics[0].properties.values[0].type == DataType.Int32
    assert decode_payload(message.SerializeToString()).metrics[0].properties == {"Quality": 500}


def test_unknown_datatype_is_refused() -> None:
    message = pb.Payload(metrics=[pb.Payload.Metric(name="m", datatype=99, int_value=1)])
    with pytest.raises(SparkplugDecodeError, match="unknown Sparkplug datatype 99"):
        decode_payload(message.SerializeToString())


def test_value_in_the_wrong_field_for_its_datatype_is_refused() -> None:
    message = pb.Payload(metrics=[pb.Payload.Metric(name="m", datatype=3, string_value="x")])
    with pytest.raises(SparkplugDecodeError, match="Int32 value cannot arrive in string_value"):
        decode_payload(message.SerializeToString())


def test_integer_out_of_range_for_its_datatype_is_refused() -> None:
    message = pb.Payload(metrics=[pb.Payload.Metric(name="m", datatype=5, int_value=300)])
    with pytest.raises(SparkplugDecodeError, match="does not fit UInt8"):
        decode_payload(message.SerializeToString())
    with pytest.raises(SparkplugDecodeError, match="does not fit UInt8"):
        decode_points(message.SerializeToString())


@pytest.mark.parametrize(
    ("metric", "kind"),
    [
        (pb.Payload.Metric(datatype=16, dataset_value=pb.Payload.DataSet()), "DataSet"),
        (pb.Payload.Metric(datatype=19, template_value=pb.Payload.Template()), "Template"),
    ],
)
def test_datasets_and_templates_are_refused_not_dropped(
    metric: pb.Payload.Metric, kind: str
) -> None:
    data = pb.Payload(metrics=[metric]).SerializeToString()
    with pytest.raises(SparkplugUnsupportedError, match=kind):
        decode_payload(data)
    with pytest.raises(SparkplugUnsupportedError, match=kind):
        decode_points(data)


def test_property_set_with_more_keys_than_values_is_refused() -> None:
    # tck-id-payloads-propertyset-keys-array-size
    value = pb.Payload.PropertyValue(type=11, boolean_value=True)
    props = pb.Payload.PropertySet(keys=["a", "b"], values=[value])
    metric = pb.Payload.Metric(name="m", datatype=11, boolean_value=True, properties=props)
    message = pb.Payload(metrics=[metric])
    with pytest.raises(SparkplugDecodeError, match="2 keys but 1 values"):
        decode_payload(message.SerializeToString())


def test_malformed_bytes_raise_a_decode_error() -> None:
    with pytest.raises(SparkplugDecodeError, match="not a Sparkplug B payload"):
        decode_payload(b"\x12\xff\xff")


def test_decode_errors_are_invalid_input() -> None:
    from reind.core.errors import InvalidInputError

    assert issubclass(SparkplugUnsupportedError, SparkplugDecodeError)
    assert issubclass(SparkplugDecodeError, SparkplugError)
    assert issubclass(SparkplugError, InvalidInputError)


def test_a_value_that_does_not_fit_its_datatype_is_refused_on_encode() -> None:
    with pytest.raises(SparkplugError, match="not a valid Int8"):
        encode_payload(_one(DataType.Int8, 128))
    with pytest.raises(SparkplugError, match="not a Boolean"):
        encode_payload(_one(DataType.Boolean, 1))


def test_data_without_datatype_is_read_with_the_birth_datatype_on_the_fast_path() -> None:
    message = pb.Payload(timestamp=9, metrics=[pb.Payload.Metric(alias=7, int_value=0xFFFF_FFFE)])
    data = message.SerializeToString()
    assert decode_points(data) == [(None, 7, 9, 0xFFFF_FFFE, False)]
    assert decode_points(data, {7: DataType.Int16}) == [(None, 7, 9, -2, False)]
