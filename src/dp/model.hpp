#pragma once
// The four models that generate a chain of thought (THEORY §3), as values: the kind and the
// parameters the construction fixes from the problem and T before it sees the input.
//
//   mamba-general       one SSM channel per dependency, one-hot slot per stream position
//                       (n = 2T + 1), scalar decay a = 1/2, the balanced compensation of T3
//                       (key a^-⌈D_j/2⌉, D_j the longest distance position j is read at): exact
//                       COPY for every read. LIS reads every slot of one channel.
//   mamba-local         one channel per dependency, w = 2m + 1 slots used cyclically, key
//                       e_(t mod w), a = 2^-e with a^w <= 1/(4V + 1), query a^-k e_((t-k) mod w):
//                       a read is u_(t-k) + Σ_r a^(rw) u_(t-k-rw), off by at most 1/4.
//   transformer         one softmax head per dependency, the T2 construction over the stream:
//                       keys (1, j, j^2), query β(-p^2, 2p, -1), β the least integer with
//                       2V · 2e^-β/(1 - e^-β) <= 1/8: a read is off by at most 1/8 < 1/4.
//   transformer-window  the same heads attending to the last w = 2m + 1 positions only.
//
// Errors below 1/4 are what the transitions tolerate (problem.hpp). THEORY asks a^w < 1/(2V+1)
// for mamba-local (error < 1/2 before an ideal staircase); the staircase used here has margin
// δ = 1/4, hence the 1/(4V + 1). The softmax bound is halved again because β is chosen in binary64
// and exp is not exact there.
#include <cstddef>
#include <string>
#include <vector>

#include "dp/problem.hpp"

namespace freelunch::dp {

enum class ModelKind { mamba_general, mamba_local, transformer, transformer_window };

struct Model {
  ModelKind kind = ModelKind::mamba_general;
  std::size_t window = 0;   // w (local models); 0 otherwise
  long decay_log2 = 0;      // a = 2^decay_log2 (Mamba models)
  long beta = 0;            // softmax score scale (Transformer models)
  bool is_mamba() const { return kind == ModelKind::mamba_general || kind == ModelKind::mamba_local; }
  bool is_softmax() const { return !is_mamba(); }
  std::string id() const;
  // "mamba-local w=3 a=2^-5", "transformer beta=7".
  std::string describe() const;
};

std::string to_string(ModelKind kind);
// "mamba-general", "mamba-local", "transformer", "transformer-window"; UsageError otherwise.
ModelKind parse_model(const std::string& name);
std::vector<ModelKind> all_model_kinds();

// Whether the model has a construction for the problem; the reason when not.
bool applies(ModelKind kind, const Problem& problem, std::string* why = nullptr);
// The model for a problem and T. UsageError when it does not apply.
Model make_model(ModelKind kind, const Problem& problem, std::size_t steps);

}  // namespace freelunch::dp
