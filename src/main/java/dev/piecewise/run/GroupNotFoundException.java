package dev.piecewise.run;

/** No run belongs to the group. */
public class GroupNotFoundException extends RuntimeException {

    public GroupNotFoundException(String id) {
        super("no group with id '" + id + "'");
    }
}
