"""Loads and stores per dtype. Codes follow org.jgrad.tensor.DType's order."""
from collections import namedtuple

DType = namedtuple("DType", "code name ptx size floating")

DTYPES = [
    DType(0, "FLOAT32", "f32", 4, True),
    DType(1, "FLOAT64", "f64", 8, True),
    DType(2, "INT32", "s32", 4, False),
    DType(3, "INT64", "s64", 8, False),
    DType(4, "UINT8", "u8", 1, False),
]


def load_widened(t, addr, wide_f64, wide_s64, tmp_f32="%vf", tmp_b32="%vr"):
    """Loads one element of dtype t at `addr` into the 64-bit register of its kind: f64 for
    floating types (float32 widened exactly), s64 for integers (sign- or zero-extended)."""
    if t.ptx == "f32":
        return [f"ld.global.f32 {tmp_f32}, [{addr}];", f"cvt.f64.f32 {wide_f64}, {tmp_f32};"]
    if t.ptx == "f64":
        return [f"ld.global.f64 {wide_f64}, [{addr}];"]
    if t.ptx == "s32":
        return [f"ld.global.s32 {tmp_b32}, [{addr}];", f"cvt.s64.s32 {wide_s64}, {tmp_b32};"]
    if t.ptx == "s64":
        return [f"ld.global.s64 {wide_s64}, [{addr}];"]
    return [f"ld.global.u8 {tmp_b32}, [{addr}];", f"cvt.u64.u32 {wide_s64}, {tmp_b32};"]


def store_narrowed(t, addr, wide_f64, wide_s64, is_float, tmp_f32="%vf", tmp_b32="%vr"):
    """Stores the value held in the wide register of the source's kind (`is_float`: a predicate
    register, true when it is in wide_f64) as dtype t. Integer destinations expect a floating
    value already truncated into wide_s64; integers narrow by keeping the low bits."""
    if t.ptx == "f32":
        return [f"@{is_float} cvt.rn.f32.f64 {tmp_f32}, {wide_f64};", f"@!{is_float} cvt.rn.f32.s64 {tmp_f32}, {wide_s64};",
                f"st.global.f32 [{addr}], {tmp_f32};"]
    if t.ptx == "f64":
        return [f"@!{is_float} cvt.rn.f64.s64 {wide_f64}, {wide_s64};", f"st.global.f64 [{addr}], {wide_f64};"]
    if t.ptx == "s64":
        return [f"st.global.u64 [{addr}], {wide_s64};"]
    st = "u32" if t.ptx == "s32" else "u8"
    return [f"cvt.u32.u64 {tmp_b32}, {wide_s64};", f"st.global.{st} [{addr}], {tmp_b32};"]
