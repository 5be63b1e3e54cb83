package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandTableTest {

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(CommandTable.editDistance("", "")).isZero();
        assertThat(CommandTable.editDistance("ping", "ping")).isZero();
        assertThat(CommandTable.editDistance("", "send")).isEqualTo(4);
        assertThat(CommandTable.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(CommandTable.editDistance("stauts", "status")).isEqualTo(2);
        assertThat(CommandTable.editDistance("reqest", "request")).isEqualTo(1);
    }

    @Test
    void suggestsTheClosestCommandForATypo() {
        assertThat(CommandTable.closest("stauts")).hasValue("status");
        assertThat(CommandTable.closest("reqest")).hasValue("request");
        assertThat(CommandTable.closest("pign")).hasValue("ping");
        assertThat(CommandTable.closest("disconect")).hasValue("disconnect");
        assertThat(CommandTable.closest("exti")).hasValue("exit");
    }

    @Test
    void suggestsTheCommandAUniquePrefixStarts() {
        assertThat(CommandTable.closest("stat")).hasValue("status");
        assertThat(CommandTable.closest("dis")).hasValue("disconnect");
        assertThat(CommandTable.closest("b")).hasValue("bench");
    }

    @Test
    void suggestsNothingForAnUnrelatedWord() {
        assertThat(CommandTable.closest("xyzzy")).isEmpty();
        assertThat(CommandTable.closest("")).isEmpty();
        assertThat(CommandTable.closest("subscribe")).isEmpty();
    }

    @Test
    void aliasesFindTheirCommand() {
        assertThat(CommandTable.find("quit")).hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("exit"));
        assertThat(CommandTable.find("?")).hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("help"));
        assertThat(CommandTable.find("nope")).isEmpty();
    }
}
