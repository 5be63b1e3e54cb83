package dev.tether.loadtool;

import picocli.CommandLine;

/** Prints the version from the jar's manifest (set by the build). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = LoadTool.class.getPackage().getImplementationVersion();
        return new String[] {
                "loadtool " + (v == null ? "(development build)" : v),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
