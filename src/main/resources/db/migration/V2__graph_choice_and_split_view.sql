-- Which graph of a multi-graph upload (TORCH_LOGS excerpt) a run partitioned, and the submodules of an
-- already split upload (vLLM's computation_graph.py) as vLLM made them.

alter table runs add column graphs_in_upload integer default 1 not null;
alter table runs add column graph_index integer default 0 not null;
alter table runs add column split_view_same boolean;
alter table runs add column split_view_differences text;

create table split_view_submodule (
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
