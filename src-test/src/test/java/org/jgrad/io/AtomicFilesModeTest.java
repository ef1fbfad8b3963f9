package org.jgrad.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Files written atomically get the mode any new file gets under the umask (e.g. 0644), not a temporary file's 0600. */
class AtomicFilesModeTest {
    @Test
    void atomicallyWrittenFilesHaveTheUmasksMode(@TempDir Path dir) throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path atomic = dir.resolve("metrics.json");
        AtomicFiles.writeString(atomic, "{}");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
        assertEquals("{}", Files.readString(atomic));
        try (var s = Files.list(dir)) {
            assertTrue(s.allMatch(p -> p.equals(plain) || p.equals(atomic)), "no temporary file is left");
        }
    }
}
