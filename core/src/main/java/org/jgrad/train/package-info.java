/**
 * The training loop as a library: {@link org.jgrad.train.Trainer} runs PyTorch's loop (zero grad,
 * forward, loss, backward, step; the scheduler per epoch or per step; metrics per batch on the
 * device), validates in evaluation mode, and calls {@link org.jgrad.train.Callback}s for progress,
 * logging, checkpoints, early stopping, warmup and gradient clipping. A non-finite loss stops the
 * fit with a {@link org.jgrad.train.NonFiniteLossException} before the step that would spoil the weights.
 */
package org.jgrad.train;
