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
#include <optional>
#include <string>
#include <vector>

#include "dp/problem.hpp"

namespace freelunch::dp {

enum class ModelKind { mamba_general, mamba_local, transformer, transformer_window };

// mamba-general with one head as a position-only layer of small state: `slots` one-hot entries
// reused as their sources stop being read (an entry is cleared, decay 0 on it at that position,
// when a new source takes it; lowest free entry first). A source that finds every entry taken is
// not stored and reads as 0. Used by the T4 lower bound: a state below the rank must be wrong.
struct SlotLimit {
  std::size_t head = 0;   // which dependency's head (Problem::dependencies order)
  std::size_t slots = 0;  // n, the head's state
};

// f changed in one entry of its table: on dependency values `at` (integers, in the order of
// Problem::dependencies) the transition outputs f + delta; every other integer input is unchanged.
struct WrongEntry {
  std::vector<long> at;
  long delta = 1;
};

struct Model {
  ModelKind kind = ModelKind::mamba_general;
  std::size_t window = 0;   // w (local models); 0 otherwise
  long decay_log2 = 0;      // a = 2^decay_log2 (Mamba models)
  long beta = 0;            // softmax score scale (Transformer models)
  // Variants of the construction, none in make_model's models: the T4 lower bound's small state,
  // and the falsifiers' perturbations (a dependency not read, f wrong in one entry).
  std::optional<SlotLimit> slot_limit;        // mamba-general, non-aggregating problems only
  std::optional<std::size_t> omitted_head;    // this dependency is not read: f gets 0 for it
  std::optional<WrongEntry> wrong_entry;      // non-aggregating problems only
  bool is_mamba() const { return kind == ModelKind::mamba_general || kind == ModelKind::mamba_local; }
  bool is_softmax() const { return !is_mamba(); }
  std::string id() const;
  // "mamba-local w=3 a=2^-5", "transformer beta=7", then the variants ("head 1 state n=15").
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
