package org.jgrad.backend;

/** Random fills: UNIFORM on [a, b), NORMAL with mean a and std b, BERNOULLI with p = a (1 or 0). */
public enum Distribution { UNIFORM, NORMAL, BERNOULLI }
