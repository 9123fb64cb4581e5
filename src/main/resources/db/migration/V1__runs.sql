-- Runs and everything they report. Plain types only (varchar, text, integer, bigint, boolean, timestamp with
-- time zone) so the same migration runs on H2 and PostgreSQL.

create table graph_upload (
    sha256      varchar(64)              not null primary key,
    byte_size   bigint                   not null,
    content     text                     not null,
    created_at  timestamp with time zone not null
);

create table runs (
    id                       varchar(36)              not null primary key,
    name                     varchar(200)             not null,
    created_at               timestamp with time zone not null,
    format                   varchar(16)              not null,
    graph_sha256             varchar(64)              not null references graph_upload (sha256),
    node_count               integer                  not null,
    shapes_known             boolean                  not null,
    splitting_ops            text                     not null,
    size_strategy            varchar(32)              not null,
    getitem_rule             varchar(16)              not null,
    merge_consecutive_splits boolean                  not null,
    merge_empty_allocations  boolean                  not null,
    outcome                  varchar(16)              not null,
    compilable               boolean                  not null,
    error                    text,
    submodule_count          integer                  not null,
    emission_order           text                     not null,
    suggestion               text
);

create index runs_created_at on runs (created_at);
create index runs_graph on runs (graph_sha256);

create table submodule (
    run_id    varchar(36) not null references runs (id) on delete cascade,
    ordinal   integer     not null,
    name      varchar(64) not null,
    graph_id  integer     not null,
    splitting boolean     not null,
    nodes     text        not null,
    inputs    text        not null,
    outputs   text        not null,
    primary key (run_id, ordinal)
);

create table crossing (
    run_id       varchar(36) not null references runs (id) on delete cascade,
    ordinal      integer     not null,
    value_name   text        not null,
    kind         varchar(16) not null,
    producer     varchar(64) not null,
    consumers    text        not null,
    kind_guessed boolean     not null,
    primary key (run_id, ordinal)
);

create table relocation (
    run_id        varchar(36) not null references runs (id) on delete cascade,
    ordinal       integer     not null,
    node          text        not null,
    action        varchar(32) not null,
    into_nodes    text        not null,
    from_submod   varchar(64),
    to_submod     varchar(64),
    primary key (run_id, ordinal)
);

create table created_node (
    run_id    varchar(36) not null references runs (id) on delete cascade,
    ordinal   integer     not null,
    name      text        not null,
    target    text        not null,
    kind      varchar(16) not null,
    submodule varchar(64),
    primary key (run_id, ordinal)
);

create table diagnostic (
    run_id    varchar(36) not null references runs (id) on delete cascade,
    ordinal   integer     not null,
    severity  varchar(16) not null,
    code      varchar(64) not null,
    message   text        not null,
    node      text,
    submodule varchar(64),
    primary key (run_id, ordinal)
);

create table problem (
    run_id    varchar(36) not null references runs (id) on delete cascade,
    ordinal   integer     not null,
    submodule varchar(64),
    value_name text,
    kind      varchar(16),
    direction varchar(16) not null,
    producer  varchar(64),
    consumers text        not null,
    error     text        not null,
    primary key (run_id, ordinal)
);
