package dev.piecewise.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NameIndexTest {

    @Test
    void findsEveryNameByItselfAndAsARegionOfALine_afterGrowingFarPastItsFirstSize() {
        NameIndex index = new NameIndex(4);
        for (int i = 0; i < 50_000; i++) {
            assertThat(index.putIfAbsent("add_" + i, i)).isEqualTo(-1);
        }
        assertThat(index.size()).isEqualTo(50_000);
        for (int i = 0; i < 50_000; i += 997) {
            String line = "    %mul : [num_users=1] = call_function[target=operator.mul](args = (%add_" + i + ", 2), kwargs = {})";
            int from = line.indexOf("%add_") + 1;
            int to = line.indexOf(',', from);
            assertThat(index.get("add_" + i)).isEqualTo(i);
            assertThat(index.get(line, from, to)).isEqualTo(i);
            assertThat(index.name(line, from, to)).isEqualTo("add_" + i);
        }
    }

    @Test
    void absentNamesAndPrefixesOfNamesAreNotFound() {
        NameIndex index = new NameIndex(8);
        index.putIfAbsent("add_12", 3);
        assertThat(index.get("add_1")).isEqualTo(-1);
        assertThat(index.get("add_123")).isEqualTo(-1);
        assertThat(index.get("xadd_12", 1, 6)).isEqualTo(-1);
        assertThat(index.get("xadd_12", 1, 7)).isEqualTo(3);
        assertThat(index.name("add_1", 0, 5)).isNull();
    }

    @Test
    void namesWithTheSameHashAreKeptApart_andTheFirstValueOfANameStays() {
        NameIndex index = new NameIndex(8);
        // "Aa" and "BB" share String.hashCode, as do their concatenations.
        assertThat("AaAa".hashCode()).isEqualTo("BBBB".hashCode());
        index.putIfAbsent("AaAa", 1);
        index.putIfAbsent("BBBB", 2);
        index.putIfAbsent("AaBB", 3);
        assertThat(index.putIfAbsent("BBBB", 9)).isEqualTo(2);
        assertThat(index.get("AaAa")).isEqualTo(1);
        assertThat(index.get("BBBB")).isEqualTo(2);
        assertThat(index.get("AaBB")).isEqualTo(3);
        assertThat(index.get("BBAa")).isEqualTo(-1);
        assertThat(index.size()).isEqualTo(3);
    }

    @Test
    void namesThatDifferOnlyInTheirLastCharacterOverflowTheirBlockAndAreAllFound() {
        // Such names start their probes in one block of 16 slots: 62 of them fill it and spill into the next ones,
        // in every size the index grows through.
        String lastChars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        NameIndex index = new NameIndex(4);
        for (int i = 0; i < lastChars.length(); i++) {
            assertThat(index.putIfAbsent("mul_1" + lastChars.charAt(i), i)).isEqualTo(-1);
        }
        assertThat(index.putIfAbsent("", 99)).isEqualTo(-1);
        for (int i = 0; i < lastChars.length(); i++) {
            assertThat(index.get("mul_1" + lastChars.charAt(i))).isEqualTo(i);
            assertThat(index.get("(mul_1" + lastChars.charAt(i) + ")", 1, 7)).isEqualTo(i);
        }
        assertThat(index.get("")).isEqualTo(99);
        assertThat(index.get("mul_1_")).isEqualTo(-1);
        assertThat(index.get("mul_1")).isEqualTo(-1);
        assertThat(index.size()).isEqualTo(lastChars.length() + 1);
    }

    /** "n" then each of the 2^12 sequences of "Aa" and "BB": all share one String.hashCode. */
    private static List<String> namesOfOneHash() {
        List<String> names = new ArrayList<>();
        for (int bits = 0; bits < 1 << 12; bits++) {
            StringBuilder name = new StringBuilder("n");
            for (int k = 0; k < 12; k++) {
                name.append((bits >> k & 1) == 0 ? "Aa" : "BB");
            }
            names.add(name.toString());
        }
        return names;
    }

    @Test
    void namesMadeToShareTheirHashAreHashedAgainWithASeed_andAllFound() {
        List<String> names = namesOfOneHash();
        assertThat(names.stream().map(String::hashCode).distinct()).hasSize(1);
        NameIndex index = new NameIndex(4);
        for (int i = 0; i < names.size(); i++) {
            assertThat(index.putIfAbsent(names.get(i), i)).isEqualTo(-1);
        }
        assertThat(index.hashesWithItsOwnSeed()).isTrue();
        assertThat(index.size()).isEqualTo(names.size());
        // Far fewer than fill a long run are caught by their shared hash alone.
        NameIndex few = new NameIndex(4);
        names.subList(0, 32).forEach(name -> few.putIfAbsent(name, 0));
        assertThat(few.hashesWithItsOwnSeed()).isTrue();
        for (int i = 0; i < names.size(); i++) {
            String line = "(%" + names.get(i) + ",)";
            assertThat(index.get(names.get(i))).isEqualTo(i);
            assertThat(index.get(line, 2, line.length() - 2)).isEqualTo(i);
            assertThat(index.name(line, 2, line.length() - 2)).isSameAs(names.get(i));
            assertThat(index.putIfAbsent(names.get(i), -i + 5000)).isEqualTo(i);
        }
        assertThat(index.get("n" + "Aa".repeat(11) + "BB")).isEqualTo(1 << 11);
        assertThat(index.get("n" + "Aa".repeat(13))).isEqualTo(-1);
        // A rewritten graph's copy keeps the seed its hashes were made with.
        int[] moved = new int[names.size()];
        for (int v = 0; v < moved.length; v++) {
            moved[v] = v % 2 == 0 ? v / 2 : -1;
        }
        for (NameIndex copy : List.of(index.remapped(moved, 0), index.remapped(moved, 10 * names.size()))) {
            assertThat(copy.get(names.get(6))).isEqualTo(3);
            assertThat(copy.get(names.get(7))).isEqualTo(-1);
            assertThat(copy.size()).isEqualTo(names.size() / 2);
        }
    }

    /**
     * Names with hashes of their own, aimed by an upload that knows how the index places names: each at an empty
     * slot of one stretch, so that no insertion probes at all, yet every probe starting in the stretch would walk it.
     */
    @Test
    void namesAimedAtOneStretchOfSlotsAreHashedAgainWithASeed() {
        int capacity = 8192; // what NameIndex(3000) holds: twice the names, to a power of two
        int stretch = 1040;
        String[] aimed = new String[stretch];
        int found = 0;
        for (int i = 0; found < stretch; i++) {
            String name = "q" + i;
            int hash = name.hashCode();
            int prefixHash = (hash - name.charAt(name.length() - 1)) * 0xBDEF7BDF; // 31's inverse
            int slot = (prefixHash * 0x9E3779B9) >>> (Integer.numberOfLeadingZeros(capacity) + 1) & ~15 | hash & 15;
            if (slot < stretch && aimed[slot] == null) {
                aimed[slot] = name;
                found++;
            }
        }
        NameIndex index = new NameIndex(3000);
        for (int slot = 0; slot < stretch; slot++) {
            assertThat(index.putIfAbsent(aimed[slot], slot)).isEqualTo(-1);
        }
        assertThat(index.hashesWithItsOwnSeed()).isTrue();
        for (int slot = 0; slot < stretch; slot++) {
            assertThat(index.get(aimed[slot])).isEqualTo(slot);
        }
        assertThat(index.get("q-1")).isEqualTo(-1);
    }

    @Test
    void namesAsModelsMakeThemKeepTheirOwnHash() {
        NameIndex index = new NameIndex(4);
        String[] ops = {"add", "mul", "getitem", "linear", "sym_size_int", "view", "silu", "to", "_to_copy"};
        int value = 0;
        for (int i = 0; i < 40_000; i++) {
            for (String op : ops) {
                index.putIfAbsent(i == 0 ? op : op + "_" + i, value++);
            }
            index.putIfAbsent("l_self_modules_layers_modules_" + i + "_modules_mlp_parameters_weight_", value++);
        }
        assertThat(index.size()).isEqualTo(value);
        assertThat(index.hashesWithItsOwnSeed()).isFalse();
    }

    /** n0 to n999, each valued its number, in an index made for four so that it grows. */
    private static NameIndex thousandNames() {
        NameIndex index = new NameIndex(4);
        for (int i = 0; i < 1_000; i++) {
            index.putIfAbsent("n" + i, i);
        }
        return index;
    }

    @Test
    void aRemappedCopyMovesValues_leavesOutNamesMovedToNothing_andTakesThemBackWhenAdded() {
        NameIndex index = thousandNames();
        int[] moved = new int[1_000];
        for (int i = 0; i < 1_000; i++) {
            moved[i] = i % 3 == 0 ? -1 : 2 * i; // every third name left out, the others moved
        }
        // With no room asked for, the arrays are copied as they are; with room for many more, rebuilt larger.
        for (int additions : new int[] {0, 5_000}) {
            NameIndex copy = index.remapped(moved, additions);
            assertThat(copy.size()).isEqualTo(666);
            assertThat(index.get("n3")).as("the original is unchanged").isEqualTo(3);
            assertThat(copy.get("n3")).isEqualTo(-1);
            assertThat(copy.name("xn3", 1, 3)).isNull();
            assertThat(copy.get("n4")).isEqualTo(8);
            assertThat(copy.name("xn4", 1, 3)).isEqualTo("n4");

            assertThat(copy.putIfAbsent("n3", 7)).isEqualTo(-1);
            assertThat(copy.putIfAbsent("n4", 7)).as("a name held keeps its value").isEqualTo(8);
            assertThat(copy.get("n3")).isEqualTo(7);
            for (int i = 0; i < 5_000; i++) {
                assertThat(copy.putIfAbsent("m" + i, 10_000 + i)).isEqualTo(-1);
            }
            assertThat(copy.size()).isEqualTo(666 + 1 + 5_000);
            for (int i = 0; i < 1_000; i++) {
                int expected = i == 3 ? 7 : i % 3 == 0 ? -1 : 2 * i;
                assertThat(copy.get("n" + i)).as("n" + i).isEqualTo(expected);
            }
            assertThat(copy.get("m4999")).isEqualTo(14_999);
        }
    }

    @Test
    void aCopyMostlyLeftOutFindsEveryNameAsItFillsUp_whenItIsClearedOfThem() {
        NameIndex index = thousandNames();
        int[] moved = new int[1_000];
        java.util.Arrays.fill(moved, -1);
        moved[7] = 0;
        NameIndex copy = index.remapped(moved, 0);
        assertThat(copy.size()).isEqualTo(1);
        // Enough new names to fill the table with the left-out ones, few enough that it is cleared, not doubled.
        for (int i = 0; i < 600; i++) {
            assertThat(copy.putIfAbsent("m" + i, 1 + i)).isEqualTo(-1);
        }
        assertThat(copy.size()).isEqualTo(601);
        assertThat(copy.get("n7")).isEqualTo(0);
        assertThat(copy.get("n8")).isEqualTo(-1);
        for (int i = 0; i < 600; i++) {
            assertThat(copy.get("m" + i)).isEqualTo(1 + i);
        }
    }
}
