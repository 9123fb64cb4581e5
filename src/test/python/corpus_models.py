"""The models of the corpus: tiny Hugging Face transformers models (random init, no hub access) with attention routed
through the splitting op oracle::sdpa, and a few hand-written models for patterns the HF models lack."""

import torch
import torch.utils.checkpoint
import torch.nn as nn

# ---------------------------------------------------------------- splitting ops

_LIB = torch.library.Library("oracle", "DEF")
_LIB.define("attn(Tensor x) -> Tensor")
_LIB.define("moe(Tensor x, Tensor router) -> Tensor")
_LIB.define("sdpa(Tensor q, Tensor k, Tensor v) -> Tensor")


def _attn(x):
    return x * torch.sigmoid(x)


def _moe(x, router):
    return x * router.softmax(-1).amax(-1, keepdim=True)


def _sdpa(q, k, v):
    """(B, H, S, D) query, grouped key/value -> (B, S, H, Dv), the layout HF attention functions return."""
    rep = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(rep, dim=1)
    v = v.repeat_interleave(rep, dim=1)
    if q.shape[-1] != k.shape[-1]:
        k = k[..., : q.shape[-1]] if k.shape[-1] > q.shape[-1] else nn.functional.pad(k, (0, q.shape[-1] - k.shape[-1]))
    return nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).contiguous()


for _name, _fn in (("attn", _attn), ("moe", _moe), ("sdpa", _sdpa)):
    _LIB.impl(_name, _fn, "CompositeExplicitAutograd")

torch.library.register_fake("oracle::attn")(lambda x: torch.empty_like(x))
torch.library.register_fake("oracle::moe")(lambda x, router: torch.empty_like(x))
torch.library.register_fake("oracle::sdpa")(
    lambda q, k, v: q.new_empty((q.shape[0], q.shape[2], q.shape[1], v.shape[3])))


def oracle_attention(module, query, key, value, attention_mask, **kwargs):
    return torch.ops.oracle.sdpa(query, key, value), None


# ---------------------------------------------------------------- Hugging Face models

COMMON = dict(vocab_size=128, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, head_dim=16, max_position_embeddings=128, use_cache=False, pad_token_id=0,
              bos_token_id=1, eos_token_id=2)
MOE = dict(num_local_experts=4, num_experts=4, num_experts_per_tok=2, moe_intermediate_size=32)
SLIDING = dict(sliding_window=4, layer_types=["sliding_attention", "full_attention"])
MLA = dict(kv_lora_rank=16, qk_nope_head_dim=8, qk_rope_head_dim=8, v_head_dim=16, n_routed_experts=4,
           n_shared_experts=1, num_experts_per_tok=2, moe_intermediate_size=32, first_k_dense_replace=1, n_group=1,
           topk_group=1)
DROP = object()  # an override that removes a common setting the config cannot take
ENCODER = dict(vocab_size=128, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
               max_position_embeddings=128, pad_token_id=0, type_vocab_size=2)

# case -> (model_type, head: "causal" | "base", config overrides, what it covers)
HF_MODELS = {
    "llama": ("llama", "causal", {}, "dense, GQA"),
    "mistral": ("mistral", "causal", dict(sliding_window=4), "dense, sliding window"),
    "qwen2": ("qwen2", "causal", {}, "dense, qkv bias"),
    "qwen3": ("qwen3", "causal", {}, "dense, q/k norm"),
    "gemma": ("gemma", "causal", {}, "dense"),
    "gemma2": ("gemma2", "causal", dict(sliding_window=4, query_pre_attn_scalar=16), "dense, sliding window, softcap"),
    "gemma3_text": ("gemma3_text", "causal", dict(SLIDING, query_pre_attn_scalar=16), "dense, sliding window"),
    "phi": ("phi", "causal", {}, "dense, partial rotary"),
    "phi3": ("phi3", "causal", {}, "dense, fused qkv"),
    "gpt2": ("gpt2", "causal", dict(n_embd=64, n_layer=2, n_head=4, n_positions=128, n_inner=128), "dense, learned positions"),
    "gpt_neox": ("gpt_neox", "causal", {}, "dense, parallel residual"),
    "falcon": ("falcon", "causal", dict(head_dim=DROP), "dense, multi-query"),
    "starcoder2": ("starcoder2", "causal", dict(sliding_window=4), "dense, sliding window"),
    "olmo": ("olmo", "causal", {}, "dense"),
    "olmo2": ("olmo2", "causal", {}, "dense, q/k norm"),
    "olmo3": ("olmo3", "causal", dict(SLIDING), "dense, sliding window"),
    "cohere": ("cohere", "causal", {}, "dense, parallel block"),
    "cohere2": ("cohere2", "causal", dict(SLIDING), "dense, sliding window"),
    "granite": ("granite", "causal", {}, "dense, scaled residuals"),
    "stablelm": ("stablelm", "causal", {}, "dense, partial rotary"),
    "glm4": ("glm4", "causal", {}, "dense"),
    "helium": ("helium", "causal", {}, "dense"),
    "smollm3": ("smollm3", "causal", {}, "dense, NoPE layers"),
    "exaone4": ("exaone4", "causal", dict(SLIDING), "dense, sliding window"),
    "mixtral": ("mixtral", "causal", dict(MOE), "MoE"),
    "qwen2_moe": ("qwen2_moe", "causal", dict(MOE, shared_expert_intermediate_size=32, decoder_sparse_step=1), "MoE, shared expert"),
    "qwen3_moe": ("qwen3_moe", "causal", dict(MOE, decoder_sparse_step=1), "MoE"),
    "granitemoe": ("granitemoe", "causal", dict(MOE), "MoE"),
    "olmoe": ("olmoe", "causal", dict(MOE), "MoE"),
    "phimoe": ("phimoe", "causal", dict(MOE), "MoE"),
    "gpt_oss": ("gpt_oss", "causal", dict(MOE, **SLIDING), "MoE, sliding window, sinks"),
    "deepseek_v2": ("deepseek_v2", "causal", dict(MLA, q_lora_rank=None, topk_method="greedy"), "MLA, MoE"),
    "deepseek_v3": ("deepseek_v3", "causal", dict(MLA, q_lora_rank=32, head_dim=DROP), "MLA, MoE"),
    "glm4_moe": ("glm4_moe", "causal", dict(MLA, kv_lora_rank=DROP, qk_nope_head_dim=DROP, qk_rope_head_dim=DROP, v_head_dim=DROP), "MoE, shared expert, group routing"),
    "granitemoeshared": ("granitemoeshared", "causal", dict(MOE, shared_intermediate_size=32), "MoE, shared expert"),
    "ernie4_5_moe": ("ernie4_5_moe", "causal", dict(MOE, moe_num_experts=4, moe_k=2, moe_layer_start_index=0, moe_num_shared_experts=1), "MoE, shared expert"),
    "dbrx": ("dbrx", "causal", dict(d_model=64, n_heads=4, n_layers=2, max_seq_len=128, attn_config={"kv_n_heads": 2, "rope_theta": 10000.0},
                                    ffn_config={"ffn_hidden_size": 32, "moe_num_experts": 4, "moe_top_k": 2}), "MoE, fused qkv"),
    "jetmoe": ("jetmoe", "causal", dict(MOE, kv_channels=16), "mixture of attention heads and MoE"),
    "gptj": ("gptj", "causal", dict(n_embd=64, n_layer=2, n_head=4, n_positions=128, rotary_dim=8, n_inner=128), "dense, parallel block, rotary on part of the head"),
    "opt": ("opt", "causal", dict(ffn_dim=128, word_embed_proj_dim=64), "dense, learned positions"),
    "seed_oss": ("seed_oss", "causal", {}, "dense"),
    "apertus": ("apertus", "causal", {}, "dense, xIELU activation"),
    "bert": ("bert", "base", dict(ENCODER), "encoder-only"),
    "roberta": ("roberta", "base", dict(ENCODER, pad_token_id=1), "encoder-only"),
    "distilbert": ("distilbert", "base", dict(ENCODER, dim=64, n_layers=2, n_heads=4, hidden_dim=128), "encoder-only"),
    "modernbert": ("modernbert", "base", dict(ENCODER, global_attn_every_n_layers=2, local_attention=8), "encoder-only, local attention"),
    "qwen2_vl_text": ("qwen2_vl_text", "base", dict(rope_scaling={"type": "mrope", "mrope_section": [2, 3, 3]}), "multimodal text tower, M-RoPE"),
    "qwen3_vl_text": ("qwen3_vl_text", "base", dict(rope_scaling={"rope_type": "default", "mrope_section": [2, 3, 3], "mrope_interleaved": True}), "multimodal text tower, interleaved M-RoPE"),
    "llama4_text": ("llama4_text", "causal", dict(MOE, intermediate_size_mlp=128, interleave_moe_layer_step=1, no_rope_layers=[1, 0], attention_chunk_size=4), "multimodal text tower, MoE, chunked attention"),
    "nemotron_h": ("nemotron_h", "causal", dict(MOE, hybrid_override_pattern="M*"), "hybrid: Mamba-2 and attention"),
    "aria_text": ("aria_text", "causal", dict(MOE, moe_num_experts=4, moe_topk=2, moe_num_shared_experts=1), "MoE, shared expert"),
    "cwm": ("cwm", "causal", dict(SLIDING), "dense, sliding window"),
    "gpt_bigcode": ("gpt_bigcode", "causal", dict(n_embd=64, n_layer=2, n_head=4, n_positions=128, n_inner=128), "dense, multi-query"),
    "biogpt": ("biogpt", "causal", {}, "dense, learned positions"),
    "xglm": ("xglm", "causal", dict(d_model=64, ffn_dim=128, attention_heads=4, num_layers=2), "dense, sinusoidal positions"),
    "modernbert_decoder": ("modernbert-decoder", "causal", dict(global_attn_every_n_layers=2, local_attention=8), "decoder, local attention"),
    "qwen3_5": ("qwen3_5_text", "causal", dict(layer_types=["linear_attention", "full_attention"]), "hybrid: gated delta net and attention"),
    "qwen3_5_moe": ("qwen3_5_moe_text", "causal", dict(MOE, layer_types=["linear_attention", "full_attention"], shared_expert_intermediate_size=32), "hybrid: gated delta net and attention, MoE"),
    "kimi_linear": ("kimi_linear", "causal", dict(MLA), "hybrid: linear attention and MLA"),
    "glm4_moe_lite": ("glm4_moe_lite", "causal", dict(MLA, q_lora_rank=32, head_dim=DROP), "MLA, MoE"),
    "olmo_hybrid": ("olmo_hybrid", "causal", dict(layer_types=["linear_attention", "full_attention"]), "hybrid"),
    "xlm_roberta": ("xlm-roberta", "base", dict(ENCODER, pad_token_id=1), "encoder-only"),
    "albert": ("albert", "base", dict(ENCODER, embedding_size=32), "encoder-only, shared layers"),
    "mpnet": ("mpnet", "base", dict(ENCODER), "encoder-only, relative position bias"),
    "roformer": ("roformer", "base", dict(ENCODER), "encoder-only, rotary"),
    "ernie": ("ernie", "base", dict(ENCODER), "encoder-only"),
    "camembert": ("camembert", "base", dict(ENCODER, pad_token_id=1), "encoder-only"),
    "mamba2": ("mamba2", "causal", dict(num_heads=4, head_dim=32, n_groups=1, expand=2), "Mamba-2 only: no attention"),
    "arcee": ("arcee", "causal", {}, "dense, ReLU-squared MLP"),
    "ernie4_5": ("ernie4_5", "causal", {}, "dense"),
    "hunyuan_v1_dense": ("hunyuan_v1_dense", "causal", {}, "dense, q/k norm"),
    "hunyuan_v1_moe": ("hunyuan_v1_moe", "causal", dict(MOE, moe_topk=2, num_shared_expert=1), "MoE, shared expert"),
    "nemotron": ("nemotron", "causal", {}, "dense, squared ReLU, LayerNorm1P"),
    "persimmon": ("persimmon", "causal", dict(num_key_value_heads=DROP), "dense, q/k layernorm, partial rotary"),
    "dots1": ("dots1", "causal", dict(MLA, kv_lora_rank=DROP, qk_nope_head_dim=DROP, qk_rope_head_dim=DROP, v_head_dim=DROP, first_k_dense_replace=0), "MoE, shared expert"),
    "lfm2": ("lfm2", "causal", dict(layer_types=["conv", "full_attention"]), "hybrid: short convolutions and attention"),
    "minimax": ("minimax", "causal", dict(MOE, layer_types=["linear_attention", "full_attention"]), "hybrid: lightning attention and attention, MoE"),
    "qwen3_next": ("qwen3_next", "causal", dict(MOE, layer_types=["linear_attention", "full_attention"], decoder_sparse_step=1, shared_expert_intermediate_size=32), "hybrid: gated delta net and attention, MoE"),
    "bamba": ("bamba", "causal", dict(attn_layer_indices=[1]), "hybrid: Mamba-2 and attention"),
    "falcon_h1": ("falcon_h1", "causal", {}, "hybrid: Mamba-2 beside attention"),
    "granitemoehybrid": ("granitemoehybrid", "causal", dict(MOE, layer_types=["mamba", "attention"]), "hybrid: Mamba-2 and attention, MoE"),
    "doge": ("doge", "causal", {}, "dense, dynamic mask attention"),
    "glm": ("glm", "causal", {}, "dense"),
    "vaultgemma": ("vaultgemma", "causal", dict(query_pre_attn_scalar=16), "dense"),
    "ministral": ("ministral", "causal", dict(SLIDING), "dense, sliding window"),
    "flex_olmo": ("flex_olmo", "causal", dict(MOE), "MoE"),
    "lfm2_moe": ("lfm2_moe", "causal", dict(MOE, layer_types=["conv", "full_attention"], num_dense_layers=0), "hybrid: short convolutions and attention, MoE"),
    "afmoe": ("afmoe", "causal", dict(MOE, num_dense_layers=0), "MoE"),
    "minimax_m2": ("minimax_m2", "causal", dict(MOE), "MoE"),
    "bitnet": ("bitnet", "causal", {}, "dense, ternary linear layers"),
    "jamba": ("jamba", "causal", dict(MOE, attn_layer_offset=1, attn_layer_period=2, expert_layer_offset=0, expert_layer_period=1), "hybrid: Mamba and attention, MoE"),
    "electra": ("electra", "base", dict(ENCODER, embedding_size=64), "encoder-only"),
    "exaone_moe": ("exaone_moe", "causal", dict(MOE), "MoE"),
    "qwen3_moe_alternating": ("qwen3_moe", "causal", dict(MOE, decoder_sparse_step=2, mlp_only_layers=[0]), "MoE every other layer"),
    "bloom": ("bloom", "causal", dict(n_layer=2, n_head=4), "dense, ALiBi; its own attention: no cut"),
    "codegen": ("codegen", "causal", dict(n_embd=64, n_layer=2, n_head=4, rotary_dim=8, n_positions=128, n_ctx=128, n_inner=128), "dense, parallel block; its own attention: no cut"),
    "zamba2": ("zamba2", "causal", dict(mamba_d_state=16, mamba_headdim=16, n_mamba_heads=8, layers_block_type=["mamba", "hybrid"], num_mem_blocks=1), "hybrid: Mamba-2 and a shared attention block"),
    "gemma3n_text": ("gemma3n_text", "causal", dict(SLIDING, num_kv_shared_layers=0, altup_num_inputs=2, laurel_rank=8, hidden_size_per_layer_input=8, vocab_size_per_layer_input=128, activation_sparsity_pattern=[0.0, 0.0], intermediate_size=[128, 128]), "dense, AltUp and per-layer inputs, sliding window"),
}


class CausalLM(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, ids):
        return self.m(ids).logits


class BaseModel(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, ids):
        return self.m(ids).last_hidden_state


def hf_model(model_type, config_settings, auto_class):
    """A Hugging Face model with random weights (seed 0) whose attention goes through oracle::sdpa."""
    import transformers
    from transformers import AttentionInterface, AutoConfig

    AttentionInterface.register("oracle", oracle_attention)
    config = AutoConfig.for_model(model_type, **config_settings)
    config._attn_implementation = "oracle"
    torch.manual_seed(0)
    model = auto_class.from_config(config, attn_implementation="oracle")
    model.config._attn_implementation = "oracle"
    info = {"modelClass": f"{type(model).__module__}.{type(model).__name__}", "transformers": transformers.__version__,
            "experts": getattr(config, "_experts_implementation", None)}
    return model, info


def build_hf(case):
    from transformers import AutoModel, AutoModelForCausalLM

    model_type, head, overrides, _ = HF_MODELS[case]
    kwargs = dict(ENCODER if head == "base" and model_type in ("bert", "roberta", "modernbert", "distilbert") else COMMON)
    kwargs.update(overrides)
    kwargs = {k: v for k, v in kwargs.items() if v is not DROP}
    model, info = hf_model(model_type, kwargs, AutoModelForCausalLM if head == "causal" else AutoModel)
    wrapper = (CausalLM if head == "causal" else BaseModel)(model).eval()
    ids = torch.randint(3, model.config.vocab_size, (2, 8))
    return wrapper, (ids,), [(0, 0), (0, 1)], info


class EncoderDecoder(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, ids, decoder_ids):
        return self.m(input_ids=ids, decoder_input_ids=decoder_ids).last_hidden_state


class SpeechEncoderDecoder(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, features, decoder_ids):
        return self.m(input_features=features, decoder_input_ids=decoder_ids).last_hidden_state


class VisionModel(nn.Module):
    def __init__(self, m, any_size):
        super().__init__()
        self.m = m
        self.any_size = any_size

    def forward(self, pixels):
        if self.any_size:  # position embeddings interpolated to the image's size
            return self.m(pixel_values=pixels, interpolate_pos_encoding=True).last_hidden_state
        return self.m(pixel_values=pixels).last_hidden_state


VIT = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128, image_size=32,
           patch_size=8)
SEQ2SEQ = dict(vocab_size=128, d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
               decoder_attention_heads=4, encoder_ffn_dim=128, decoder_ffn_dim=128, pad_token_id=0, use_cache=False)

# case -> (model_type, input: "seq2seq" | "speech" | "image" | "image-any-size", config, what it covers). Token ids
# (2, 8) and decoder ids (2, 6), batch and both lengths dynamic; speech features (2, 16, 32), batch dynamic; images
# (2, 3, 32, 32), the batch dynamic, and height and width too for "image-any-size".
HF_OTHER_MODELS = {
    "t5": ("t5", "seq2seq", dict(vocab_size=128, d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2,
                                 num_heads=4, decoder_start_token_id=0, pad_token_id=0, use_cache=False),
           "encoder-decoder, relative position bias, cross-attention"),
    "bart": ("bart", "seq2seq", dict(SEQ2SEQ, max_position_embeddings=128), "encoder-decoder, cross-attention"),
    "whisper": ("whisper", "speech", dict(SEQ2SEQ, num_mel_bins=16, max_source_positions=16, max_target_positions=32,
                                          decoder_start_token_id=1), "speech encoder-decoder, convolutional stem"),
    "vit": ("vit", "image", VIT, "vision encoder, patch embedding"),
    "vit_any_size": ("vit", "image-any-size", VIT, "vision encoder, position embeddings interpolated to the image"),
    "clip_vision": ("clip_vision_model", "image", VIT, "vision tower, class token"),
    "siglip_vision": ("siglip_vision_model", "image", VIT, "vision tower"),
    "dinov2": ("dinov2", "image-any-size", VIT, "vision encoder, any image size"),
    "swin": ("swin", "image", dict(embed_dim=16, depths=[2, 2], num_heads=[2, 4], window_size=2, image_size=32,
                                   patch_size=4), "vision, shifted windows"),
    "convnext": ("convnext", "image", dict(hidden_sizes=[16, 32], depths=[1, 1], num_stages=2, image_size=32),
                 "convolutional vision model: no attention, no cut"),
}


def build_hf_other(case):
    from transformers import AutoModel

    model_type, kind, overrides, _ = HF_OTHER_MODELS[case]
    model, info = hf_model(model_type, overrides, AutoModel)
    if kind == "seq2seq":
        inputs = (torch.randint(3, 128, (2, 8)), torch.randint(3, 128, (2, 6)))
        return EncoderDecoder(model).eval(), inputs, [(0, 0), (0, 1), (1, 0), (1, 1)], info
    if kind == "speech":
        inputs = (torch.randn(2, 16, 32), torch.randint(3, 128, (2, 6)))
        return SpeechEncoderDecoder(model).eval(), inputs, [(0, 0), (1, 0), (1, 1)], info
    dims = [(0, 0), (0, 2), (0, 3)] if kind == "image-any-size" else [(0, 0)]
    return VisionModel(model, kind == "image-any-size").eval(), (torch.randn(2, 3, 32, 32),), dims, info


def build_hf_llama():
    """The committed torch-2.11/hf_llama fixture's model (batch 1, dynamic sequence), to validate the tool."""
    from transformers import AttentionInterface, LlamaConfig, LlamaForCausalLM

    AttentionInterface.register("oracle", oracle_attention)
    config = LlamaConfig(vocab_size=128, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, use_cache=False)
    config._attn_implementation = "oracle"
    torch.manual_seed(0)
    model = CausalLM(LlamaForCausalLM(config)).eval()
    return model, (torch.randint(0, 128, (1, 8)),), [(0, 1)], {"modelClass": "transformers.LlamaForCausalLM"}


# ---------------------------------------------------------------- hand-written models

class MoeView(nn.Module):
    """vLLM's MoE Size pattern, the committed torch-2.11/moe_view fixture's model."""

    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(32, 4, bias=False)

    def forward(self, x):
        orig_shape = x.shape
        hidden_dim = x.shape[-1]
        x = x.view(-1, hidden_dim)
        router = self.gate(x)
        out = torch.ops.oracle.moe(x, router)
        return out.view(orig_shape)


class MoeDecoder(nn.Module):
    """Two decoder layers on (batch, seq, hidden) input: attention through oracle::attn, then a MoE block with
    vLLM's pattern (orig_shape = x.shape; y = moe(x); y.view(orig_shape)) through oracle::moe."""

    def __init__(self, hidden=64, layers=2, experts=4):
        super().__init__()
        self.embed = nn.Embedding(128, hidden)
        self.qkv = nn.ModuleList(nn.Linear(hidden, hidden, bias=False) for _ in range(layers))
        self.gate = nn.ModuleList(nn.Linear(hidden, experts, bias=False) for _ in range(layers))
        self.norm = nn.ModuleList(nn.LayerNorm(hidden) for _ in range(layers))
        self.head = nn.Linear(hidden, 128, bias=False)

    def forward(self, ids):
        h = self.embed(ids)
        for qkv, gate, norm in zip(self.qkv, self.gate, self.norm):
            h = h + torch.ops.oracle.attn(qkv(h))
            x = norm(h)
            orig_shape = x.shape
            x = x.view(-1, x.shape[-1])
            y = torch.ops.oracle.moe(x, gate(x))
            h = h + y.view(orig_shape)
        return self.head(h)


class GraphBreak(nn.Module):
    """A graph break between two splitting ops: Dynamo captures two graphs."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(32, 32)
        self.b = nn.Linear(32, 32)

    def forward(self, x):
        shape = x.shape
        h = torch.ops.oracle.attn(self.a(x))
        print("graph break")
        h = self.b(h)
        return torch.ops.oracle.attn(h).reshape(shape) + 1


class GradAutocast(nn.Module):
    """Grad-mode and autocast regions around splitting ops: split_module copies their enter/exit nodes into every
    submodule of the region."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(32, 32)
        self.b = nn.Linear(32, 32)
        self.c = nn.Linear(32, 32)

    def forward(self, x):
        with torch.no_grad():
            h = self.a(x)
            h = torch.ops.oracle.attn(h)
            h = h * 2
        with torch.autocast("cpu", dtype=torch.bfloat16):
            g = self.b(h)
            g = torch.ops.oracle.attn(g)
            g = self.c(g)
        return g.float() + x


class SizeFull(nn.Module):
    """A Size passed to torch.full: vLLM's splice gives a call with the wrong signature."""

    def forward(self, x):
        shape = x.shape
        y = torch.ops.oracle.attn(x)
        return y + torch.full(shape, 0.5)


class SizeSlice(nn.Module):
    """x.shape[:-1] taken before a splitting op and used after it (Dynamo builds the Size where it is used)."""

    def forward(self, x):
        lead = x.shape[:-1]
        y = torch.ops.oracle.attn(x)
        return y.sum(-1).view(lead)


class SizeKwarg(nn.Module):
    """A Size passed as a keyword argument: vLLM cannot erase the size node."""

    def forward(self, x):
        shape = x.shape
        y = torch.ops.oracle.attn(x.flatten())
        return torch.reshape(y, shape=shape)


class SizeTwoConsumers(nn.Module):
    """One Size used after two splitting ops: moving it cannot stop it crossing, duplicating can."""

    def forward(self, x):
        shape = x.shape
        a = torch.ops.oracle.attn(x.flatten())
        b = torch.ops.oracle.attn(a.view(shape) * 2)
        return b.flatten().view(shape)


class ItemScale(nn.Module):
    """A float read out of a tensor with .item() before a splitting op and used after it: a SymFloat crosses."""

    def forward(self, x):
        scale = x.abs().mean().item()
        y = torch.ops.oracle.attn(x)
        return y * scale


class ItemCount(nn.Module):
    """A count read with .item() (an unbacked SymInt), checked with torch._check_is_size, used after a splitting op."""

    def forward(self, x):
        n = (x > 0).sum().item()
        torch._check_is_size(n)
        torch._check(n <= x.shape[0] * x.shape[1])
        y = torch.ops.oracle.attn(x)
        return y * n + y.new_ones(n).sum()


class ItemSplit(nn.Module):
    """Split sizes read from the data with .item() before a splitting op, given to torch.split after it."""

    def forward(self, x):
        c = (x[0] > 0).sum().item()
        torch._check_is_size(c)
        torch._check(c <= x.shape[1])
        y = torch.ops.oracle.attn(x)
        a, b = torch.split(y, [c, x.shape[1] - c], dim=1)
        return a.sum(1) - b.sum(1)


class Nonzero(nn.Module):
    """torch.nonzero's data-dependent row count (an unbacked SymInt in a shape) on both sides of a splitting op."""

    def forward(self, x):
        idx = torch.nonzero(x[:, 0] > 0).squeeze(-1)
        y = torch.ops.oracle.attn(x)
        return y[idx].sum(0) + idx.shape[0]


class CondBranches(nn.Module):
    """torch.cond after a splitting op: branch subgraphs fetched by get_attr and called by a higher-order op."""

    def forward(self, x):
        y = torch.ops.oracle.attn(x)
        z = torch.cond(y.sum() > 0, lambda t: t * 2, lambda t: t - 1, (y,))
        return torch.ops.oracle.attn(z) + x


class Checkpointed(nn.Module):
    """Activation checkpointing around a block before a splitting op: Dynamo wraps the block in a higher-order op
    with its body as a submodule attribute."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(32, 32)
        self.b = nn.Linear(32, 32)

    def block(self, x):
        return torch.relu(self.a(x)) + x

    def forward(self, x):
        h = torch.utils.checkpoint.checkpoint(self.block, x, use_reentrant=False)
        y = torch.ops.oracle.attn(h)
        return self.b(y)


class BufferMutation(nn.Module):
    """A buffer updated in place before a splitting op and read after it."""

    def __init__(self):
        super().__init__()
        self.register_buffer("steps", torch.zeros(1))

    def forward(self, x):
        self.steps.add_(1)
        y = torch.ops.oracle.attn(x)
        return y * self.steps


class FlexAttention(nn.Module):
    """flex_attention with a score_mod between two splitting ops: its score function is a submodule attribute."""

    def forward(self, x):
        from torch.nn.attention.flex_attention import flex_attention  # torch 2.5 and later

        q = x.view(1, 1, x.shape[0], 32)
        out = flex_attention(q, q, q, score_mod=lambda score, b, h, q_idx, kv_idx: score * 0.5)
        y = torch.ops.oracle.attn(out.view(-1, 32))
        return torch.ops.oracle.attn(y + 1)


@torch.compiler.nested_compile_region
def _shared_block(x, w):
    return torch.relu(x @ w) + x


class NestedRegion(nn.Module):
    """One torch.compiler.nested_compile_region called twice around a splitting op: invoke_subgraph."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(32, 32))

    def forward(self, x):
        h = _shared_block(x, self.w)
        y = torch.ops.oracle.attn(h)
        return _shared_block(y, self.w)


class WhileLoop(nn.Module):
    """torch._higher_order_ops.while_loop after a splitting op: condition and body as submodule attributes, the
    carried values in tuples."""

    def forward(self, x):
        from torch._higher_order_ops.while_loop import while_loop

        y = torch.ops.oracle.attn(x)
        i, out = while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2), (torch.tensor(0), y))
        return torch.ops.oracle.attn(out) + i


def _scale_into(x, out):
    out.copy_(x * 2)


_LIB.define("scale_into(Tensor x, Tensor(a!) out) -> ()")
_LIB.impl("scale_into", _scale_into, "CompositeExplicitAutograd")
torch.library.register_fake("oracle::scale_into")(lambda x, out: None)


class MutatingOp(nn.Module):
    """A custom op writing into a buffer it is given (vLLM's attention with output does so) between splitting ops."""

    def forward(self, x):
        out = torch.empty_like(x)
        torch.ops.oracle.scale_into(x, out)
        y = torch.ops.oracle.attn(out)
        return y + out


CUSTOM_MODELS = {
    "custom_moe_decoder": (MoeDecoder, "ids", "vLLM MoE Size pattern with oracle::moe, attention via oracle::attn"),
    "custom_graph_break": (GraphBreak, "x", "graph break (print) between splitting ops: two graphs"),
    "custom_grad_autocast": (GradAutocast, "x", "torch.no_grad() and torch.autocast regions inside forward"),
    "custom_size_full": (SizeFull, "x", "torch.full(x.shape, ...) after a splitting op: decompose miscalls"),
    "custom_size_slice": (SizeSlice, "x3", "x.shape[:-1] taken before a splitting op, used after it: Dynamo writes torch.Size([s77, s27]) at the use, so no Size crosses"),
    "custom_size_kwarg": (SizeKwarg, "x", "a Size passed as keyword (torch.reshape(y, shape=s)) after a splitting op"),
    "custom_size_two_consumers": (SizeTwoConsumers, "x", "one Size used in two later subgraphs"),
    "custom_item_scale": (ItemScale, "x", "a float from .item() (capture_scalar_outputs) used after a splitting op"),
    "custom_item_count": (ItemCount, "x", "an unbacked SymInt from .item(), torch._check_is_size, used after a splitting op"),
    "custom_item_split": (ItemSplit, "x", "split sizes from .item() given to torch.split after a splitting op"),
    "custom_nonzero": (Nonzero, "x", "torch.nonzero's data-dependent size on both sides of a splitting op"),
    "custom_cond": (CondBranches, "x", "torch.cond between splitting ops: branch subgraphs by get_attr"),
    "custom_checkpoint": (Checkpointed, "x", "activation checkpointing (a higher-order op with its body by get_attr) before a splitting op"),
    "custom_buffer_mutation": (BufferMutation, "x", "a buffer updated in place before a splitting op, read after it"),
    "custom_flex_attention": (FlexAttention, "x", "flex_attention with a score_mod (a subgraph by get_attr) between splitting ops"),
    "custom_nested_region": (NestedRegion, "x", "one nested_compile_region called on both sides of a splitting op (invoke_subgraph)"),
    "custom_while_loop": (WhileLoop, "x", "while_loop between splitting ops: condition and body by get_attr"),
    "custom_mutating_op": (MutatingOp, "x", "a custom op writing into a tensor it is given, before a splitting op that reads it"),
}


def build_custom(case):
    cls, kind, _ = CUSTOM_MODELS[case]
    torch.manual_seed(0)
    model = cls().eval()
    if kind == "ids":
        return model, (torch.randint(0, 128, (2, 8)),), [(0, 0), (0, 1)], {"modelClass": cls.__name__}
    if kind == "x3":
        return model, (torch.randn(2, 8, 32),), [(0, 0), (0, 1)], {"modelClass": cls.__name__}
    return model, (torch.randn(8, 32),), [(0, 0)], {"modelClass": cls.__name__}


def build_moe_view():
    torch.manual_seed(0)
    return MoeView().eval(), (torch.randn(8, 32),), [(0, 0)], {"modelClass": "MoeView"}


VALIDATION = {"moe_view": build_moe_view, "hf_llama": build_hf_llama}


# Models captured again with other dimensions dynamic than batch and sequence (capture_corpus.REGIMES): cases
# "<model>-static" and "<model>-batch".
REGIME_MODELS = ["llama", "mixtral", "qwen3_moe", "gemma3_text", "gpt_oss", "deepseek_v3", "falcon_h1", "qwen3_next",
                 "lfm2", "gpt2", "phi3", "bert", "custom_moe_decoder"]


def all_cases():
    return list(HF_MODELS) + list(HF_OTHER_MODELS) + list(CUSTOM_MODELS) + [f"{m}-{r}" for m in REGIME_MODELS for r in ("static", "batch")]


def build(case):
    if case in VALIDATION:
        return VALIDATION[case]()
    if case in CUSTOM_MODELS:
        return build_custom(case)
    if case in HF_OTHER_MODELS:
        return build_hf_other(case)
    return build_hf(case)


def description(case):
    if case in HF_MODELS:
        return HF_MODELS[case][3]
    if case in HF_OTHER_MODELS:
        return HF_OTHER_MODELS[case][3]
    if case in CUSTOM_MODELS:
        return CUSTOM_MODELS[case][2]
    return "validation model"
