/**
 * Optimizers and learning-rate schedulers with PyTorch 1.13's semantics, step for step.
 *
 * <pre>{@code
 * SGD sgd = new SGD(model.parameters(), 0.1, 0.9, 0, 1e-4, true);      // lr, momentum, dampening, weight decay, nesterov
 * LRScheduler sched = new SequentialLR(sgd, List.of(new LinearLR(sgd, 0.1, 1.0, 5), new CosineAnnealingLR(sgd, 95)), new int[]{5});
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     for (Batch b : loader) {
 *         sgd.zeroGrad();
 *         loss(b).backward();
 *         sgd.step();
 *     }
 *     sched.step();
 * }
 * }</pre>
 *
 * <p>The update of each parameter group is one call of a fused primitive
 * ({@link org.jgrad.backend.FusedOptim#sgdStep}, {@link org.jgrad.backend.FusedOptim#adamStep})
 * over all its parameters where the backend offers that family (a GPU runs a whole step as one fused
 * launch), else of {@link org.jgrad.optim.ComposedSteps} with tensor ops.
 *
 * <p>Where jgrad differs from PyTorch 1.13, on purpose:
 * <ul>
 *   <li>{@link org.jgrad.optim.Optimizer#zeroGrad()} sets gradients to {@code null} (PyTorch 2's default,
 *       {@code set_to_none=True}); a parameter without a gradient is skipped by the step, as in PyTorch.</li>
 *   <li>More arguments are checked: SGD's momentum must be in [0, 1) and dampening in [0, 1]; scheduler
 *       periods and factors must make sense (see each class); every value must be finite; every group is
 *       checked, not only the defaults. Messages name the argument and its value.</li>
 *   <li>State dicts hold copies of the optimizer's tensors (PyTorch returns references). Scheduler state
 *       dicts hold the mutable state only (epoch, counters, base and last rates, best value); the
 *       configuration comes from the constructor.</li>
 * </ul>
 */
package org.jgrad.optim;
