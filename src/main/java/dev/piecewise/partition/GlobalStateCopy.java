package dev.piecewise.partition;

/**
 * A node {@code split_module} adds to a submodule that the input graph does not have: a copy of the grad-mode or
 * autocast node {@code of} (for an {@code _exit_autocast} copy, of the exit that closes the region), so that each
 * submodule sets up and unwinds its own global state (src/docs/partitioning.md); or a get_attr of a submodule
 * attribute that FX named after its target rather than after the node {@code of} it fetches for.
 *
 * @param name the copy's name in its submodule, given by FX after the target ({@code _enter_autocast},
 *             {@code _set_grad_enabled}, {@code _exit_autocast}, de-duplicated within the submodule)
 * @param of   the node of the input graph it copies
 */
public record GlobalStateCopy(String name, String of) {
}
