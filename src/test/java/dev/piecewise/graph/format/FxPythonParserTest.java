package dev.piecewise.graph.format;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FxPythonParserTest {

    record PythonDump(String fixtureCase, String file) {
        @Override
        public String toString() {
            return fixtureCase + "/" + file;
        }
    }

    static Stream<PythonDump> pythonDumps() {
        return Fixtures.cases().stream().filter(c -> Fixtures.exists(c, "graph.json"))
                .flatMap(c -> Stream.of(new PythonDump(c, "readable.py"), new PythonDump(c, "code.py")));
    }

    /** The same graph as graph.json: nodes, ops, targets, arguments; kinds, shapes and dtypes where annotated. */
    @ParameterizedTest
    @MethodSource("pythonDumps")
    void parsesIntoTheSameGraphAsItsJson(PythonDump dump) {
        String text = Fixtures.read(dump.fixtureCase(), dump.file());
        assertThat(GraphFormat.detect(text)).isEqualTo(GraphFormat.FX_PYTHON);
        Graph python = GraphFormat.FX_PYTHON.parse(text, null);
        Graph json = new FxJsonParser().parse(Fixtures.read(dump.fixtureCase(), "graph.json"), null);
        assertThat(python.nodes().stream().map(Node::name)).containsExactlyElementsOf(json.nodes().stream().map(Node::name).toList());
        for (int i = 0; i < json.nodes().size(); i++) {
            Node p = python.nodes().get(i);
            Node j = json.nodes().get(i);
            String where = dump + " " + j.name();
            assertThat(p.op()).as(where).isEqualTo(j.op());
            assertThat(p.canonicalTarget()).as(where).isEqualTo(j.canonicalTarget());
            assertThat(p.args()).as(where + " args").isEqualTo(j.args());
            assertThat(p.kwargs()).as(where + " kwargs").isEqualTo(j.kwargs());
            if (p.typeExpr() != null && p.typeExpr().contains("[") || p.typeExpr() != null && p.typeExpr().startsWith("Sym(")) {
                assertThat(p.kind()).as(where + " kind").isEqualTo(j.kind());
                assertThat(p.value().shape()).as(where + " shape").isEqualTo(j.value().shape());
                assertThat(p.value().dtype()).as(where + " dtype").isEqualTo(j.value().dtype());
            }
        }
        assertThat(python.carriesShapes()).isEqualTo(dump.file().equals("readable.py"));
    }

    @Test
    void symbolicTraceCodeParses() {
        Graph graph = GraphFormat.FX_PYTHON.parse(Fixtures.read("st_moe_view", "code.py"), null);
        Graph text = new FxTextParser().parse(Fixtures.read("st_moe_view", "graph.txt"), null);
        assertThat(graph.nodes().stream().map(Node::name)).containsExactlyElementsOf(text.nodes().stream().map(Node::name).toList());
        assertThat(graph.node("getattr_1").target()).isEqualTo("builtins.getattr");
        assertThat(graph.node("getattr_1").args()).containsExactly(new Arg.Ref("x"), new Arg.Str("shape"));
        assertThat(graph.node("getattr_1").kind()).isEqualTo(ValueKind.SIZE);
        assertThat(graph.node("gate").op()).isEqualTo(Op.CALL_MODULE);
        assertThat(graph.node("getitem").args()).containsExactly(new Arg.Ref("getattr_1"), new Arg.IntLit(-1));
    }

    @Test
    void operatorsMapToTheirOperatorTargets() {
        String code = """
                def forward(self, a : torch.Tensor, b : torch.Tensor, n : torch.SymInt):
                    add = a + b
                    neg = -a
                    matmul = a @ b
                    floordiv = n // 2
                    lt = a < b
                    inv = ~a
                    p = self.weight
                    return (add, neg, matmul, floordiv, lt, inv, p)
                """;
        Graph graph = GraphFormat.FX_PYTHON.parse(code, null);
        assertThat(graph.nodes().stream().filter(n -> n.op() == Op.CALL_FUNCTION).map(Node::target)).containsExactly(
                "operator.add", "operator.neg", "operator.matmul", "operator.floordiv", "operator.lt", "operator.invert");
        assertThat(graph.node("floordiv").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("p").op()).isEqualTo(Op.GET_ATTR);
        assertThat(graph.node("n").kind()).isEqualTo(ValueKind.SYMINT);
    }

    @Test
    void errorsPointAtLineAndColumn() {
        String code = """
                class GraphModule(torch.nn.Module):
                    def forward(self, x: "f32[s0, 4]"):
                        y: "f32[s0, 4]" = x.relu()
                        z: "f32[s0, 4]" = torch.add(y, w);  y = None
                        return (z,)
                """;
        assertThatThrownBy(() -> GraphFormat.FX_PYTHON.parse(code, null))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.column()).isEqualTo(code.split("\n")[3].indexOf("w)") + 1);
                    assertThat(e.getMessage()).contains("'w'");
                });
        assertThatThrownBy(() -> GraphFormat.FX_PYTHON.parse("def forward(self, x):\n    y = x.view(\n", null))
                .isInstanceOfSatisfying(GraphParseException.class, e -> assertThat(e.line()).isEqualTo(2));
    }

    @Test
    void annotationsGiveShapesAndSymbols() {
        Graph graph = GraphFormat.FX_PYTHON.parse(Fixtures.read("symint_multi", "readable.py"), null);
        assertThat(graph.node("floordiv").value().expr()).isEqualTo("(s77//2)");
        assertThat(graph.node("y_1").value().shape()).isEqualTo(List.of("(s77//2)", "32"));
        assertThat(graph.node("y_1").value().freeSymbols()).containsExactly("s77");
    }

    @Test
    void inPlaceOperatorsAndModuleListPaths() {
        String code = """
                def forward(self, x : torch.Tensor, y : torch.Tensor):
                    getattr_1 = getattr(self.layers, "0").weight
                    lin = getattr(self.layers, "0").lin(x)
                    x += y;  iadd = x;  x = y = None
                    return (iadd, lin, getattr_1)
                """;
        Graph graph = GraphFormat.FX_PYTHON.parse(code, null);
        assertThat(graph.node("getattr_1").op()).isEqualTo(Op.GET_ATTR);
        assertThat(graph.node("getattr_1").target()).isEqualTo("layers.0.weight");
        assertThat(graph.node("lin").op()).isEqualTo(Op.CALL_MODULE);
        assertThat(graph.node("lin").target()).isEqualTo("layers.0.lin");
        assertThat(graph.node("iadd").target()).isEqualTo("operator.iadd");
        assertThat(graph.node("iadd").args()).containsExactly(new Arg.Ref("x"), new Arg.Ref("y"));
    }

    private static Graph parse(String code) {
        return GraphFormat.FX_PYTHON.parse(code, null);
    }

    private static GraphParseException parseError(String code) {
        try {
            parse(code);
        } catch (GraphParseException e) {
            return e;
        }
        throw new AssertionError("expected a GraphParseException for:\n" + code);
    }

    /** The statement transformers' grouped_mm MoE path makes FX write (torch 2.11 print_readable). */
    @Test
    void setitemIsAStatementFollowedByItsName() {
        String code = """
                class GraphModule(torch.nn.Module):
                    def forward(self, s0: "Sym(s0)", L_x_: "f32[s0, 8]", L_perm_: "i64[s0]"):
                        l_x_ = L_x_
                        l_perm_ = L_perm_

                        # File: transformers/integrations/moe.py:131 in _grouped_mm, code: inv_perm = torch.empty_like(perm)
                        inv_perm: "i64[s0]" = torch.empty_like(l_perm_)

                        # File: transformers/integrations/moe.py:132 in _grouped_mm, code: inv_perm[perm] = torch.arange(perm.size(0), device=perm.device)
                        arange_1: "i64[s0]" = torch.arange(s0, device = device(type='cpu'))
                        inv_perm[l_perm_] = arange_1;  setitem = inv_perm;  l_perm_ = arange_1 = setitem = None
                        getitem: "f32[s0, 8]" = l_x_[inv_perm];  l_x_ = inv_perm = None
                        return (getitem,)
                """;
        Graph graph = parse(code);
        Node setitem = graph.node("setitem");
        assertThat(setitem.op()).isEqualTo(Op.CALL_FUNCTION);
        assertThat(setitem.target()).isEqualTo("operator.setitem");
        assertThat(setitem.args()).containsExactly(new Arg.Ref("inv_perm"), new Arg.Ref("l_perm_"), new Arg.Ref("arange_1"));
        assertThat(setitem.kind()).isEqualTo(ValueKind.NONE);
        assertThat(setitem.source()).startsWith("transformers/integrations/moe.py:132 in _grouped_mm");
        assertThat(graph.node("arange_1").kwargs()).containsEntry("device", new Arg.Repr("device(type='cpu')"));
        assertThat(graph.nodes().stream().map(Node::name))
                .containsExactly("s0", "l_x_", "l_perm_", "inv_perm", "arange_1", "setitem", "getitem", "output");
        GraphParseException misnamed = parseError("""
                def forward(self, t, i, v):
                    t[i] = v;  setitem = v
                    return (setitem,)
                """);
        assertThat(misnamed.line()).isEqualTo(2);
        assertThat(misnamed.reason()).contains("setitem = t");
    }

    @Test
    void inPlaceOperatorsKeepTheAnnotationOfTheirName() {
        Graph graph = parse("""
                class GraphModule(torch.nn.Module):
                    def forward(self, L_x_: "f32[s0, 4]", L_y_: "f32[s0, 4]"):
                        l_x_ = L_x_
                        l_y_ = L_y_
                        l_x_ += l_y_;  iadd: "f32[s0, 4]" = l_x_;  l_x_ = l_y_ = None
                        iadd //= 2;  ifloordiv: "f32[s0, 4]" = iadd;  iadd = None
                        return (ifloordiv,)
                """);
        assertThat(graph.node("iadd").target()).isEqualTo("operator.iadd");
        assertThat(graph.node("iadd").value().shape()).containsExactly("s0", "4");
        assertThat(graph.node("ifloordiv").args()).containsExactly(new Arg.Ref("iadd"), new Arg.IntLit(2));
    }

    /** A statement runs on to where its brackets balance; brackets in strings and comments do not count. */
    @Test
    void statementsSpanLinesUntilTheirBracketsBalanceOutsideStringsAndComments() {
        Graph graph = parse("""
                def forward(self,
                            x):
                    view = torch.ops.aten.view.default(x, [  # ( in a comment
                        2, 3]);  x = None
                    tag = torch.ops.mylib.tag.default(view, '(');  view = None
                    mark = torch.ops.mylib.mark.default(tag, ')#(', [
                        1]);  tag = None
                    return (
                        mark,)
                """);
        assertThat(graph.nodes()).extracting(Node::name).containsExactly("x", "view", "tag", "mark", "output");
        assertThat(graph.node("mark").args().get(1)).isEqualTo(new Arg.Str(")#("));
        assertThat(graph.node("view").args().get(1)).isEqualTo(new Arg.ListArg(List.of(new Arg.IntLit(2), new Arg.IntLit(3))));
        assertThat(graph.node("tag").args().get(1)).isEqualTo(new Arg.Str("("));
    }

    /** String literals as Python reads them: quotes of the other kind, triple quotes, raw strings and escapes. */
    @Test
    void stringLiteralsReadAsPythonReadsThem() {
        Graph graph = parse("def forward(self, x):\n"
                + "    a = torch.ops.mylib.tag.default(x, '''it's''', '', \"\"\"say \"hi\" \"\"\", r'\\d', 'tab\\tend')\n"
                + "    return (a,)\n");
        assertThat(graph.node("a").args()).containsExactly(new Arg.Ref("x"), new Arg.Str("it's"), new Arg.Str(""),
                new Arg.Str("say \"hi\" "), new Arg.Str("\\d"), new Arg.Str("tab\tend"));
    }

    /** print_readable nests the higher-order ops' bodies as classes inside the outer one, after its forward. */
    @Test
    void higherOrderOpsFetchNestedGraphModulesWithGetAttr() {
        String code = """
                class GraphModule(torch.nn.Module):
                    def forward(self, L_x_: "f32[2, 2]", L_pred_: "b8[]"):
                        l_x_ = L_x_
                        l_pred_ = L_pred_

                        wrap_body_0 = self.wrap_body_0
                        wrap = torch.ops.higher_order.wrap_with_set_grad_enabled(False, wrap_body_0, l_x_);  wrap_body_0 = None
                        getitem: "f32[2, 2]" = wrap[0];  wrap = None
                        submod_3 = self.submod_1
                        add_1 = torch.ops.higher_order.wrap_with_autocast('cpu', None, False, None, submod_3, getitem);  submod_3 = None
                        getitem_1: "f32[2, 2]" = add_1[0];  add_1 = None
                        cond_true_0 = self.cond_true_0
                        cond_false_0 = self.cond_false_0
                        cond = torch.ops.higher_order.cond(l_pred_, cond_true_0, cond_false_0, (getitem_1, l_x_));  l_pred_ = cond_true_0 = cond_false_0 = None
                        getitem_2: "f32[2, 2]" = cond[0];  cond = None
                        subgraph_0 = self.subgraph_0
                        invoke_subgraph = torch.ops.higher_order.invoke_subgraph(subgraph_0, 'subgraph_0', getitem_2);  subgraph_0 = getitem_2 = None
                        getitem_3: "f32[2, 2]" = invoke_subgraph[0];  invoke_subgraph = None
                        return (getitem_3,)

                    class wrap_body_0(torch.nn.Module):
                        def forward(self, l_x_: "f32[2, 2]"):
                            sin: "f32[2, 2]" = l_x_.sin();  l_x_ = None
                            return (sin,)

                    class submod_1(torch.nn.Module):
                        def forward(self, getitem: "f32[2, 2]"):
                            add_1: "f32[2, 2]" = torch.ops.aten.add.Tensor(getitem, 1);  getitem = None
                            return (add_1,)

                    class cond_true_0(torch.nn.Module):
                        def forward(self, getitem_1: "f32[2, 2]", l_x_: "f32[2, 2]"):
                            add: "f32[2, 2]" = getitem_1 + l_x_;  getitem_1 = l_x_ = None
                            return (add,)

                    class cond_false_0(torch.nn.Module):
                        def forward(self, getitem_1: "f32[2, 2]", l_x_: "f32[2, 2]"):
                            sub: "f32[2, 2]" = getitem_1 - l_x_;  getitem_1 = l_x_ = None
                            return (sub,)

                    class subgraph_0(torch.nn.Module):
                        def forward(self, getitem_2: "f32[2, 2]"):
                            cos: "f32[2, 2]" = getitem_2.cos();  getitem_2 = None
                            return (cos,)
                """;
        Graph graph = parse(code);
        assertThat(graph.nodes()).hasSize(16);
        assertThat(graph.node("wrap_body_0").op()).isEqualTo(Op.GET_ATTR);
        assertThat(graph.node("submod_3").target()).isEqualTo("submod_1");
        assertThat(graph.node("wrap").target()).isEqualTo("torch.ops.higher_order.wrap_with_set_grad_enabled");
        assertThat(graph.node("wrap").args()).containsExactly(new Arg.BoolLit(false), new Arg.Ref("wrap_body_0"),
                new Arg.Ref("l_x_"));
        assertThat(graph.node("wrap").kind()).isEqualTo(ValueKind.TUPLE);
        assertThat(graph.node("add_1").args()).containsExactly(new Arg.Str("cpu"), Arg.NONE, new Arg.BoolLit(false),
                Arg.NONE, new Arg.Ref("submod_3"), new Arg.Ref("getitem"));
        assertThat(graph.node("cond").args().get(3)).isEqualTo(new Arg.Tuple(List.of(new Arg.Ref("getitem_1"),
                new Arg.Ref("l_x_"))));
        assertThat(graph.node("invoke_subgraph").args()).containsExactly(new Arg.Ref("subgraph_0"),
                new Arg.Str("subgraph_0"), new Arg.Ref("getitem_2"));
        assertThat(graph.output().args()).containsExactly(new Arg.Tuple(List.of(new Arg.Ref("getitem_3"))));
    }

    /** torch.export's gm.code (test/export/test_passes.py): pytree flattening of inputs and outputs. */
    @Test
    void pytreeCodeOfExportedPrograms() {
        Graph graph = parse("""
                def forward(self, x):
                    x, = fx_pytree.tree_flatten_spec(([x], {}), self._in_spec)
                    _guards_fn = self._guards_fn(x);  _guards_fn = None
                    add = torch.ops.aten.add.Tensor(x, 1);  x = None
                    submod_3 = self.submod_1
                    add_1 = torch.ops.higher_order.wrap_with_autocast('cpu', None, True, None, submod_3, add);  submod_3 = add = None
                    getitem = add_1[0];  add_1 = None
                    sub = torch.ops.aten.sub.Tensor(getitem, 1)
                    return pytree.tree_unflatten((getitem, sub), self._out_spec)
                """);
        assertThat(graph.node("_guards_fn").op()).isEqualTo(Op.CALL_MODULE);
        assertThat(graph.output().args()).containsExactly(new Arg.Tuple(List.of(new Arg.Ref("getitem"), new Arg.Ref("sub"))));
        Graph annotated = parse("""
                def forward(self, x, y):
                    x: "f32[3]"; y: "f32[s0, 3]";\s
                    x, y, = fx_pytree.tree_flatten_spec(([x, y], {}), self._in_spec)
                    add: "f32[s0, 3]" = torch.ops.aten.add.Tensor(x, y);  x = y = None
                    return pytree.tree_unflatten((add,), self._out_spec)
                """);
        assertThat(annotated.node("y").value().shape()).containsExactly("s0", "3");
        assertThat(annotated.carriesShapes()).isTrue();
    }

    /** _format_target writes path parts that are no identifiers with getattr, on self and on a ModuleList. */
    @Test
    void selfPathsWithIndexesAndMethodsThatAreNoIdentifiers() {
        Graph graph = parse("""
                def forward(self, x):
                    getattr_1 = getattr(self, "0").weight
                    layers_0 = getattr(self.layers, "0")(x);  x = None
                    getattr_2 = getattr(self, "1")
                    size = layers_0.size()
                    meth = getattr(layers_0, "not-an-identifier")(1)
                    return (getattr_1, getattr_2, size, meth)
                """);
        assertThat(graph.node("getattr_1").op()).isEqualTo(Op.GET_ATTR);
        assertThat(graph.node("getattr_1").target()).isEqualTo("0.weight");
        assertThat(graph.node("layers_0").op()).isEqualTo(Op.CALL_MODULE);
        assertThat(graph.node("layers_0").target()).isEqualTo("layers.0");
        assertThat(graph.node("getattr_2").target()).isEqualTo("1");
        assertThat(graph.node("meth").op()).isEqualTo(Op.CALL_METHOD);
        assertThat(graph.node("meth").target()).isEqualTo("not-an-identifier");
        assertThat(graph.node("meth").args()).containsExactly(new Arg.Ref("layers_0"), new Arg.IntLit(1));
    }

    @Test
    void slicesWithNoneEllipsisAndNegativeSteps() {
        Graph graph = parse("""
                def forward(self, x):
                    getitem = x[(Ellipsis, slice(None, None, -1))]
                    getitem_1 = x[(slice(None, None, None), None, slice(-3, None, 2))]
                    getitem_2 = x[...]
                    return (getitem, getitem_1, getitem_2)
                """);
        assertThat(graph.node("getitem").args().get(1)).isEqualTo(new Arg.Tuple(List.of(new Arg.Repr("Ellipsis"),
                new Arg.Slice(Arg.NONE, Arg.NONE, new Arg.IntLit(-1)))));
        assertThat(graph.node("getitem_1").args().get(1)).isEqualTo(new Arg.Tuple(List.of(
                new Arg.Slice(Arg.NONE, Arg.NONE, Arg.NONE), Arg.NONE,
                new Arg.Slice(new Arg.IntLit(-3), Arg.NONE, new Arg.IntLit(2)))));
        assertThat(graph.node("getitem_2").args().get(1)).isEqualTo(new Arg.Repr("Ellipsis"));
    }

    @Test
    void constantsFxPrintsByTheirRepr() {
        Graph graph = parse("""
                def forward(self, x):
                    full = torch.full((2,), inf, dtype = torch.float32, layout = torch.strided, device = device(type='cuda', index=0))
                    fill = torch.fill(x, -inf, nan)
                    mul = x * (1+2j)
                    mul_1 = x * -2j
                    add = x + 123456789012345678901234567890
                    contiguous = x.contiguous(memory_format = torch.channels_last)
                    to = x.to(torch.bfloat16)
                    tensor = torch.add(x, torch.Tensor(size=[2], dtype=float32))
                    return (full, fill, mul, mul_1, add, contiguous, to, tensor)
                """);
        assertThat(graph.node("full").args()).containsExactly(new Arg.Tuple(List.of(new Arg.IntLit(2))), new Arg.FloatLit("inf"));
        assertThat(graph.node("full").kwargs()).containsEntry("dtype", new Arg.Repr("torch.float32"))
                .containsEntry("layout", new Arg.Repr("torch.strided"))
                .containsEntry("device", new Arg.Repr("device(type='cuda', index=0)"));
        assertThat(graph.node("fill").args()).containsExactly(new Arg.Ref("x"), new Arg.FloatLit("-inf"), new Arg.FloatLit("nan"));
        assertThat(graph.node("mul").args().get(1)).isEqualTo(new Arg.Repr("(1+2j)"));
        assertThat(graph.node("mul_1").args().get(1)).isEqualTo(new Arg.Repr("-2j"));
        assertThat(graph.node("add").args().get(1)).isEqualTo(new Arg.Repr("123456789012345678901234567890"));
        assertThat(graph.node("contiguous").kwargs()).containsEntry("memory_format", new Arg.Repr("torch.channels_last"));
        assertThat(graph.node("to").args().get(1)).isEqualTo(new Arg.Repr("torch.bfloat16"));
        assertThat(graph.node("tensor").args().get(1)).isEqualTo(new Arg.Repr("torch.Tensor(size=[2], dtype=float32)"));
    }

    @Test
    void containersHoldNodesAtAnyDepth() {
        Graph graph = parse("""
                def forward(self, x, y):
                    cat = torch.cat([x, (y, [x, {'k': y}])], dim = 0)
                    max_1 = torch.ops.foo.bar(torch.return_types.max((x, y)))
                    return {'out': cat, 'pair': (max_1, [x])}
                """);
        assertThat(graph.node("cat").args().get(0)).isEqualTo(new Arg.ListArg(List.of(new Arg.Ref("x"),
                new Arg.Tuple(List.of(new Arg.Ref("y"), new Arg.ListArg(List.of(new Arg.Ref("x"),
                        new Arg.Dict(java.util.Map.of("k", new Arg.Ref("y"))))))))));
        assertThat(graph.node("max_1").args().get(0)).isEqualTo(new Arg.Tuple(List.of(new Arg.Ref("x"), new Arg.Ref("y"))));
        assertThat(graph.output().args().get(0)).isInstanceOf(Arg.Dict.class);
    }

    @Test
    void stringsWithPythonEscapes() {
        Graph graph = parse("""
                def forward(self, x):
                    a = torch.ops.foo.bar(x, "it's", 'say "hi"', 'it\\'s', 'a\\nb\\tc', '\\x00\\xe9\\u00e9\\U0001f600', 'é☃', '\\\\')
                    return a
                """);
        assertThat(graph.node("a").args().subList(1, 8)).containsExactly(new Arg.Str("it's"), new Arg.Str("say \"hi\""),
                new Arg.Str("it's"), new Arg.Str("a\nb\tc"), new Arg.Str("\u0000\u00e9\u00e9\uD83D\uDE00"),
                new Arg.Str("é☃"), new Arg.Str("\\"));
    }

    @Test
    void annotationsOfEveryKind() {
        Graph graph = parse("""
                class GraphModule(torch.nn.Module):
                    def forward(self, s0: "Sym(s0)", s1: "Sym(s1)", L_x_: "f32[s0, 2*s1][2*s1, 1]cuda:0", L_t_: "DTensor(bf16[8, 4], S(0))"):
                        l_x_ = L_x_
                        l_t_ = L_t_
                        add: "Sym(s0 + 1)" = s0 + 1
                        eq: "Sym(Eq(s0, 1))" = s0 == 1
                        truediv: "Sym(0.5*s0)" = s0 / 2
                        item: "Sym(zuf0)" = l_x_.item()
                        scaled: "Sym(2*zf1)" = item * 2
                        count: "Sym(u0)" = l_x_.item()
                        whole: "Sym(TruncToInt(zuf0))" = int(item)
                        split = torch.split(l_x_, 1)
                        pair: "(f32[1, 2*s1], i64[])" = torch.ops.foo.pair(l_x_)
                        size = l_x_.size()
                        typed : torch.Tensor = l_x_.relu()
                        return (add, eq, truediv, split, pair, size, typed, l_t_)
                """);
        assertThat(graph.node("l_x_").value().shape()).containsExactly("s0", "2*s1");
        assertThat(graph.node("l_x_").value().dtype()).isEqualTo("float32");
        assertThat(graph.node("l_t_").value().shape()).containsExactly("8", "4");
        assertThat(graph.node("l_t_").value().dtype()).isEqualTo("bfloat16");
        assertThat(graph.node("s0").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("add").value().expr()).isEqualTo("s0 + 1");
        assertThat(graph.node("eq").kind()).isEqualTo(ValueKind.SYMBOOL);
        assertThat(graph.node("truediv").kind()).isEqualTo(ValueKind.SYMFLOAT);
        // PyTorch names float symbols zf0 and, unbacked, zuf0 (.item() of a float tensor); ints s0 and u0.
        assertThat(graph.node("item").kind()).isEqualTo(ValueKind.SYMFLOAT);
        assertThat(graph.node("scaled").kind()).isEqualTo(ValueKind.SYMFLOAT);
        assertThat(graph.node("count").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("whole").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("split").kind()).isEqualTo(ValueKind.TUPLE);
        assertThat(graph.node("pair").kind()).isEqualTo(ValueKind.TUPLE);
        assertThat(graph.node("pair").value().items()).extracting(v -> v.shape()).containsExactly(List.of("1", "2*s1"), List.of());
        assertThat(graph.node("pair").value().freeSymbols()).containsExactly("s1");
        assertThat(graph.node("typed").typeExpr()).isEqualTo("torch.Tensor");
        assertThat(graph.node("size").kind()).isEqualTo(ValueKind.SIZE);
    }

    /**
     * print_readable annotates each t[i] of a tuple: those are its items, up to an index no list would hold, and
     * while the graph's allowance of items lasts (its nodes and 65,536 more).
     */
    @Test
    void annotatedGetitemsListATuplesItemsWithinBounds() {
        Graph graph = parse("""
                class GraphModule(torch.nn.Module):
                    def forward(self, L_x_: "f32[s0, 4]"):
                        l_x_ = L_x_
                        split = torch.split(l_x_, 2)
                        getitem: "f32[2, 4]" = split[1]
                        chunk = torch.chunk(l_x_, 2)
                        getitem_1: "f32[2, 4]" = chunk[0]
                        getitem_2: "f32[2, 4]" = chunk[2000000000]
                        first = torch.split(l_x_, 1)
                        getitem_3: "f32[1, 4]" = first[40000]
                        second = torch.split(l_x_, 1)
                        getitem_4: "f32[1, 4]" = second[40000]
                        return (getitem, getitem_1, getitem_2, getitem_3, getitem_4)
                """);
        assertThat(graph.node("split").value().items()).extracting(v -> v.shape())
                .containsExactly(null, List.of("2", "4")); // item 0 is not annotated: a guessed tensor
        assertThat(graph.node("chunk").kind()).isEqualTo(ValueKind.TUPLE);
        assertThat(graph.node("chunk").value().items()).isNull();
        assertThat(graph.node("first").value().items()).hasSize(40_001);
        assertThat(graph.node("second").value().items()).isNull();
    }

    @Test
    void fileCommentsAreKeptAsTheNodesSource() {
        Graph graph = parse("""
                class GraphModule(torch.nn.Module):
                    def forward(self, L_x_: "f32[4]"):
                        l_x_ = L_x_

                        # File: model.py:10 in forward, code: y = x.sin()
                        sin: "f32[4]" = l_x_.sin();  l_x_ = None

                        # Annotation: {'stage': 1} File: model.py:11 in forward, code: z = y.cos()
                        cos: "f32[4]" = sin.cos();  sin = None

                        # No stacktrace found for following nodes
                        neg: "f32[4]" = -cos;  cos = None
                        return (neg,)
                """);
        assertThat(graph.node("sin").source()).isEqualTo("model.py:10 in forward, code: y = x.sin()");
        assertThat(graph.node("cos").source()).isEqualTo("model.py:11 in forward, code: z = y.cos()");
        assertThat(graph.node("neg").source()).isNull();
    }

    /** FX_GRAPH_SHOW_META=1 writes each node's meta as a bare string before it. */
    @Test
    void metaStringsAreSkipped() {
        Graph graph = parse("""
                def forward(self, x):
                    \"""
                    stack_trace: 'File "m.py", line 3, in forward'
                    example_value: 'FakeTensor(..., size=(2,))'
                    \"""
                    sin = x.sin();  x = None
                    return (sin,)
                """);
        assertThat(graph.nodes()).extracting(Node::name).containsExactly("x", "sin", "output");
    }

    /** print_readable writes no annotation on x.size(); the Size's dims are the tensor's, as graph.json has them. */
    @Test
    void unannotatedSizesTakeTheirTensorsShape() {
        Graph readable = parse(Fixtures.read("moe_view", "readable.py"));
        Graph json = new FxJsonParser().parse(Fixtures.read("moe_view", "graph.json"), null);
        assertThat(readable.node("size").value().shape()).isEqualTo(json.node("size").value().shape())
                .containsExactly("s77", "32");
        assertThat(readable.node("size").value().freeSymbols()).containsExactly("s77");
        Graph derived = parse("""
                class GraphModule(torch.nn.Module):
                    def forward(self, s0: "Sym(s0)", L_x_: "f32[s0, 8, 4]"):
                        l_x_ = L_x_
                        size = l_x_.size()
                        getitem = size[0]
                        getitem_1 = size[-1]
                        getitem_2 = size[slice(1, None, None)]
                        sym_size_int = torch.ops.aten.sym_size.int(l_x_, 0)
                        size_1 = l_x_.size(1)
                        shape = l_x_.shape
                        new_size = torch.Size([1, sym_size_int, 192])
                        return (getitem, getitem_1, getitem_2, sym_size_int, size_1, shape, new_size)
                """);
        assertThat(derived.node("getitem").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(derived.node("getitem").value().expr()).isEqualTo("s0");
        assertThat(derived.node("getitem_1").kind()).isEqualTo(ValueKind.INT);
        assertThat(derived.node("getitem_1").value().expr()).isEqualTo("4");
        assertThat(derived.node("getitem_2").kind()).isEqualTo(ValueKind.SIZE);
        assertThat(derived.node("getitem_2").value().shape()).containsExactly("8", "4");
        assertThat(derived.node("sym_size_int").value().expr()).isEqualTo("s0");
        assertThat(derived.node("size_1").kind()).isEqualTo(ValueKind.INT);
        assertThat(derived.node("shape").value().shape()).containsExactly("s0", "8", "4");
        assertThat(derived.node("new_size").value().shape()).containsExactly("1", "s0", "192");
    }

    @Test
    void codeFormWithTypesAndCarriageReturns() {
        String code = "\n\n\ndef forward(self, x : torch.Tensor, n : torch.SymInt):\n    view = x.view(n, -1);  x = n = None\n"
                + "    return (view,)\n    ";
        Graph lf = parse(code);
        assertThat(lf.node("n").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(parse(code.replace("\n", "\r\n")).nodes()).isEqualTo(lf.nodes());
        assertThat(parse(code.replace("\n", "\r")).nodes()).isEqualTo(lf.nodes());
        GraphParseException error = parseError("def forward(self, x):\r    y = x.foo(\r    return (w,)\r");
        assertThat(error.line()).isEqualTo(3);
    }

    @Test
    void constructsFxNeverWritesAreErrorsNamingThemAndTheirPosition() {
        GraphParseException branch = parseError("""
                def forward(self, x):
                    if x:
                        return x
                """);
        assertThat(branch.line()).isEqualTo(2);
        assertThat(branch.column()).isEqualTo(5);
        assertThat(branch.reason()).contains("'if'");
        GraphParseException nested = parseError("""
                def forward(self, x):
                    y = torch.relu(x.sin())
                    return y
                """);
        assertThat(nested.line()).isEqualTo(2);
        assertThat(nested.column()).isEqualTo(20);
        assertThat(nested.reason()).contains("one operation per statement");
        GraphParseException unpack = parseError("""
                def forward(self, x):
                    a, b = torch.split(x, 2)
                    return a
                """);
        assertThat(unpack.reason()).contains("unpacking");
        GraphParseException cleanUp = parseError("""
                def forward(self, x):
                    y = x.sin();  print(y)
                    return y
                """);
        assertThat(cleanUp.column()).isEqualTo(19);
        GraphParseException string = parseError("def forward(self, x):\n    y = x.foo('abc)\n    return y\n");
        assertThat(string.line()).isEqualTo(2);
        assertThat(string.column()).isEqualTo(15);
        assertThat(string.reason()).contains("unterminated string");
    }
}
