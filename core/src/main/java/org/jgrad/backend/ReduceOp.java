package org.jgrad.backend;

/** Reductions along axes. */
public enum ReduceOp { SUM, MAX, MIN, PROD }
