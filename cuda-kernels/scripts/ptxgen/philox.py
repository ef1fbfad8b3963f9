"""philox.ptx: random_f32, Philox4x32-10 draws on the device (design notes: TENSOR.md)."""
from .emit import body, file_header


PHILOX_M0, PHILOX_M1 = 0xD2511F53, 0xCD9E8D57
PHILOX_W0, PHILOX_W1 = 0x9E3779B9, 0xBB67AE85


def philox_rounds():
    """Philox4x32-10 (Salmon et al., SC'11) on %c0..%c3 with key %k0, %k1 (copied to %q0, %q1
    and bumped by the Weyl constants between rounds)."""
    o = ["mov.u32 %q0, %k0;", "mov.u32 %q1, %k1;"]
    for r in range(10):
        if r > 0:
            o += [f"add.u32 %q0, %q0, {PHILOX_W0};", f"add.u32 %q1, %q1, {PHILOX_W1};"]
        o += [f"// round {r}",
              f"mul.hi.u32 %h0, %c0, {PHILOX_M0};", f"mul.lo.u32 %l0, %c0, {PHILOX_M0};",
              f"mul.hi.u32 %h1, %c2, {PHILOX_M1};", f"mul.lo.u32 %l1, %c2, {PHILOX_M1};",
              "xor.b32 %c0, %h1, %c1;", "xor.b32 %c0, %c0, %q0;",
              "mov.u32 %c1, %l1;",
              "xor.b32 %c2, %h0, %c3;", "xor.b32 %c2, %c2, %q1;",
              "mov.u32 %c3, %l0;"]
    return o


def philox_file():
    o = ["ld.param.u32 %dist, [p_dist];", "ld.param.u32 %n, [p_n];", "ld.param.u64 %outB, [p_out];",
         "ld.param.u32 %k0, [p_key0];", "ld.param.u32 %k1, [p_key1];",
         "ld.param.f32 %fa, [p_a];", "ld.param.f32 %fs, [p_scale];", "ld.param.f32 %fb, [p_bound];",
         "cvta.to.global.u64 %outB, %outB;",
         "and.b64 %t64, %outB, 15;", "setp.eq.u64 %pAligned, %t64, 0;",
         "setp.eq.u32 %pU, %dist, 0;", "setp.eq.u32 %pN, %dist, 1;", "setp.eq.u32 %pB, %dist, 2;",
         # blocks of 4: ceil(n / 4) counters
         "add.u32 %nc, %n, 3;", "shr.u32 %nc, %nc, 2;",
         "mov.u32 %t0, %ctaid.x;", "mov.u32 %t1, %ntid.x;", "mov.u32 %t2, %tid.x;",
         "mad.lo.u32 %ctr, %t0, %t1, %t2;", "mov.u32 %t0, %nctaid.x;", "mul.lo.u32 %step, %t0, %t1;",
         "PH_LOOP:", "setp.ge.u32 %p, %ctr, %nc;", "@%p bra PH_EXIT;",
         "mov.u32 %c0, %ctr;", "mov.u32 %c1, 0;", "mov.u32 %c2, 0;", "mov.u32 %c3, 0;"]
    o += philox_rounds()
    # 24-bit uniforms in [0, 1): exact in float32
    o += ["shr.u32 %t0, %c0, 8;", "cvt.rn.f32.u32 %u0, %t0;", "mul.f32 %u0, %u0, 0f33800000;",
          "shr.u32 %t0, %c1, 8;", "cvt.rn.f32.u32 %u1, %t0;", "mul.f32 %u1, %u1, 0f33800000;",
          "shr.u32 %t0, %c2, 8;", "cvt.rn.f32.u32 %u2, %t0;", "mul.f32 %u2, %u2, 0f33800000;",
          "shr.u32 %t0, %c3, 8;", "cvt.rn.f32.u32 %u3, %t0;", "mul.f32 %u3, %u3, 0f33800000;",
          "@%pN bra PH_NORMAL;",
          # UNIFORM: a + scale * u, kept below the bound (float rounding could reach b);
          # BERNOULLI: u < p (p in %fa)
          "fma.rn.f32 %v0, %u0, %fs, %fa;", "fma.rn.f32 %v1, %u1, %fs, %fa;",
          "fma.rn.f32 %v2, %u2, %fs, %fa;", "fma.rn.f32 %v3, %u3, %fs, %fa;",
          "min.f32 %v0, %v0, %fb;", "min.f32 %v1, %v1, %fb;", "min.f32 %v2, %v2, %fb;", "min.f32 %v3, %v3, %fb;",
          "@!%pB bra PH_STORE;",
          "setp.lt.f32 %p, %u0, %fa;", "selp.f32 %v0, 0f3F800000, 0f00000000, %p;",
          "setp.lt.f32 %p, %u1, %fa;", "selp.f32 %v1, 0f3F800000, 0f00000000, %p;",
          "setp.lt.f32 %p, %u2, %fa;", "selp.f32 %v2, 0f3F800000, 0f00000000, %p;",
          "setp.lt.f32 %p, %u3, %fa;", "selp.f32 %v3, 0f3F800000, 0f00000000, %p;",
          "bra.uni PH_STORE;",
          "PH_NORMAL:"]
    # Box-Muller on (u0, u1) and (u2, u3): r = sqrt(-2 ln(1 - u)), angle in [-pi, pi)
    for (ua, ub, va, vb) in (("%u0", "%u1", "%v0", "%v1"), ("%u2", "%u3", "%v2", "%v3")):
        o += [f"sub.f32 %t1f, 0f3F800000, {ua};",          # 1 - u in (0, 1]: log is finite
              "lg2.approx.f32 %t1f, %t1f;", "mul.f32 %t1f, %t1f, 0fBFB17218;",   # * -2 ln 2
              # lg2.approx errs by up to ~2^-22 absolute near 1, more than |lg2(1 - 2^-24)|:
              # it may come out above 0 there, and sqrt of the negative product would be NaN
              "max.f32 %t1f, %t1f, 0f00000000;",
              "sqrt.rn.f32 %t1f, %t1f;",
              f"fma.rn.f32 %t2f, {ub}, 0f40C90FDB, 0fC0490FDB;",  # 2 pi u - pi
              "cos.approx.f32 %t3f, %t2f;", "sin.approx.f32 %t2f, %t2f;",
              f"mul.f32 {va}, %t1f, %t3f;", f"mul.f32 {vb}, %t1f, %t2f;",
              f"fma.rn.f32 {va}, {va}, %fs, %fa;", f"fma.rn.f32 {vb}, {vb}, %fs, %fa;"]
    o += ["PH_STORE:",
          "shl.b32 %e, %ctr, 2;",
          "mul.wide.u32 %t64, %e, 4;", "add.s64 %a, %outB, %t64;",
          "sub.u32 %left, %n, %e;",
          # a whole group of four at a 16-byte aligned address: one vector store
          "setp.ge.u32 %p, %left, 4;", "and.pred %p, %p, %pAligned;", "@!%p bra PH_SCALAR;",
          "st.global.v4.f32 [%a], {%v0, %v1, %v2, %v3};", "bra.uni PH_NEXT;",
          "PH_SCALAR:",
          "st.global.f32 [%a], %v0;",
          "setp.lt.u32 %p, %left, 2;", "@%p bra PH_NEXT;", "st.global.f32 [%a+4], %v1;",
          "setp.lt.u32 %p, %left, 3;", "@%p bra PH_NEXT;", "st.global.f32 [%a+8], %v2;",
          "setp.lt.u32 %p, %left, 4;", "@%p bra PH_NEXT;", "st.global.f32 [%a+12], %v3;",
          "PH_NEXT:",
          "add.u32 %ctr, %ctr, %step;", "bra.uni PH_LOOP;", "PH_EXIT:", "ret;"]
    text = body(o)
    return file_header("philox.ptx", "random float32 fills drawn on the device with Philox4x32-10.",
                       ["Design notes: TENSOR.md beside this file."]) + f"""
// Counter-based (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC'11; the generator of cuRAND's and PyTorch's CUDA streams): counter c = (c, 0, 0, 0),
// key = (seed low 32 bits, seed high 32 bits). Counter c gives four 32-bit words w0..w3 for
// elements 4c .. 4c+3 of the dense output, so a value depends only on (seed, element), never
// on the launch shape. u_q = (w_q >> 8) * 2^-24 in [0, 1). A group of four at a 16-byte
// aligned address is written with one vector store, otherwise element by element.
//   dist 0 UNIFORM    a + scale * u_q, at most p_bound (the float below b)
//   dist 1 NORMAL     Box-Muller: r = sqrt(max(0, -2 ln(1 - u0))), t = 2 pi u1 - pi;
//                     elements 4c, 4c+1 = a + scale * (r cos t, r sin t); 4c+2, 4c+3 from (u2, u3)
//   dist 2 BERNOULLI  1 if u_q < p (p_a) else 0

.visible .entry random_f32(
	.param .u32 p_dist,
	.param .u32 p_n,
	.param .u64 p_out,
	.param .u32 p_key0,
	.param .u32 p_key1,
	.param .f32 p_a,
	.param .f32 p_scale,
	.param .f32 p_bound
)
{{
	.reg .pred %p, %pU, %pN, %pB, %pAligned;
	.reg .b32 %dist, %n, %nc, %ctr, %step, %e, %left, %k0, %k1, %q0, %q1, %c0, %c1, %c2, %c3, %h0, %h1, %l0, %l1, %t0, %t1, %t2;
	.reg .b64 %outB, %a, %t64;
	.reg .f32 %fa, %fs, %fb, %u0, %u1, %u2, %u3, %v0, %v1, %v2, %v3, %t1f, %t2f, %t3f;
{text}}}
"""
