package org.jgrad.backend;

import org.jgrad.tensor.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A device is a value (type name and index) and the registry finds its backend by type name. */
class BackendsRegistryTest {

    @Test
    void devicesAreValues() {
        assertEquals(Device.cuda(3), Device.of("CUDA", 3));
        assertEquals(Device.cuda(3).hashCode(), Device.parse("cuda:3").hashCode());
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertSame(Device.cpu(), Device.parse("cpu"));
        assertEquals(Device.of("xpu", 2), Device.parse(" XPU:2 "));
        assertEquals("xpu:2", Device.of("xpu", 2).toString());
        assertEquals("cpu", Device.cpu().toString());
        assertEquals("cuda", Device.cuda(1).type());
        assertNotEquals(Device.cuda(0), Device.cuda(1));
        assertNotEquals(Device.cuda(0), Device.of("xpu", 0));
        assertTrue(Device.cpu().isCpu() && Device.cuda(2).isCuda() && !Device.of("xpu", 0).isCuda());
        assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:x"));
        assertThrows(IllegalArgumentException.class, () -> Device.cuda(-1));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("cpu:1"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse(""));
    }

    @Test
    void theCpuIsBuiltInAndCached() {
        assertSame(Backends.of(Device.cpu()), Backends.of(Device.parse("cpu")));
        assertEquals(Device.cpu(), Backends.of(Device.cpu()).device());
        assertTrue(Backends.isAvailable(Device.cpu()));
    }

    @Test
    void anUnknownTypeSaysWhichModuleIsMissingAndWhatWasFound() {
        Device xpu = Device.of("xpu", 1); // naming it never fails
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.of(xpu));
        assertTrue(e.getMessage().startsWith("Device.xpu(1) is unavailable: the jgrad-xpu module (org.jgrad:jgrad-xpu) is not on the class path"),
                e.getMessage());
        assertTrue(e.getMessage().contains("device types found: cpu"), e.getMessage());
        assertFalse(Backends.isAvailable(xpu));
    }
}
