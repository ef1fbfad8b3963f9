/**
 * The optional fused primitives of the backend contract, composed from required ones through the
 * public tensor API. A backend that does not offer a fused family (see
 * {@code Backend.capability}) gets the same result from these functions: each mirrors the fused
 * primitive's inputs at the tensor level, is differentiable through the ordinary autograd (no
 * hand-written backward), and follows the fused kernel's formula so the two agree to rounding.
 */
package org.jgrad.ops.composed;
