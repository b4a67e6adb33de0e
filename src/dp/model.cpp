#include "dp/model.hpp"

#include <cmath>

#include "arith/errors.hpp"

namespace freelunch::dp {

std::string to_string(ModelKind kind) {
  switch (kind) {
    case ModelKind::mamba_general: return "mamba-general";
    case ModelKind::mamba_local: return "mamba-local";
    case ModelKind::transformer: return "transformer";
    case ModelKind::transformer_window: return "transformer-window";
  }
  return "";
}

ModelKind parse_model(const std::string& name) {
  for (ModelKind k : all_model_kinds())
    if (to_string(k) == name) return k;
  throw UsageError("unknown model '" + name + "'; valid: mamba-general, mamba-local, transformer, transformer-window");
}

std::vector<ModelKind> all_model_kinds() {
  return {ModelKind::mamba_general, ModelKind::mamba_local, ModelKind::transformer, ModelKind::transformer_window};
}

std::string Model::id() const { return to_string(kind); }

namespace {

std::string describe_construction(const Model& m) {
  switch (m.kind) {
    case ModelKind::mamba_general: return m.id() + " a=2^" + std::to_string(m.decay_log2) + " balanced";
    case ModelKind::mamba_local: return m.id() + " w=" + std::to_string(m.window) + " a=2^" + std::to_string(m.decay_log2);
    case ModelKind::transformer: return m.id() + " beta=" + std::to_string(m.beta);
    case ModelKind::transformer_window: return m.id() + " w=" + std::to_string(m.window) + " beta=" + std::to_string(m.beta);
  }
  return "";
}

}  // namespace

std::string Model::describe() const {
  std::string s = describe_construction(*this);
  // Appended piece by piece: "literal" + std::string&& trips GCC 12's -Wrestrict (a false positive).
  if (slot_limit) {
    s += ", head ";
    s += std::to_string(slot_limit->head);
    s += " state n=";
    s += std::to_string(slot_limit->slots);
    s += " (slots reused)";
  }
  if (omitted_head) {
    s += ", head ";
    s += std::to_string(*omitted_head);
    s += " omitted";
  }
  if (wrong_entry) {
    s += ", f(";
    for (std::size_t k = 0; k < wrong_entry->at.size(); ++k) {
      if (k > 0) s += ",";
      s += std::to_string(wrong_entry->at[k]);
    }
    s += ") off by " + std::to_string(wrong_entry->delta);
  }
  return s;
}

bool applies(ModelKind kind, const Problem& problem, std::string* why) {
  auto no = [&](const std::string& reason) {
    if (why) *why = reason;
    return false;
  };
  if ((kind == ModelKind::mamba_local || kind == ModelKind::transformer_window) && !problem.is_local())
    return no(to_string(kind) + " needs an m-local problem; " + problem.id() + " reads dependencies at distances growing with i");
  if (kind == ModelKind::transformer && problem.aggregates())
    return no("transformer has no construction for " + problem.id() +
              ": its step aggregates over every earlier position, which one COPY head per dependency cannot read");
  return true;
}

namespace {

// The least integer β >= 1 with 2V · 2e^-β/(1 - e^-β) <= 1/8.
long softmax_beta(long bound) {
  for (long beta = 1;; ++beta) {
    const double tail = 2.0 * std::exp(-static_cast<double>(beta)) / (1.0 - std::exp(-static_cast<double>(beta)));
    if (2.0 * static_cast<double>(bound) * tail <= 0.125) return beta;
  }
}

}  // namespace

Model make_model(ModelKind kind, const Problem& problem, std::size_t steps) {
  std::string why;
  if (!applies(kind, problem, &why)) throw UsageError(why);
  Model m;
  m.kind = kind;
  const long bound = problem.value_bound(steps);
  const auto w = static_cast<std::size_t>(2 * problem.locality() + 1);
  switch (kind) {
    case ModelKind::mamba_general: m.decay_log2 = -1; break;
    case ModelKind::mamba_local: {
      // Least e >= 1 with 2^(e w) >= 4V + 1.
      m.window = w;
      long e = 1;
      while (e * static_cast<long>(w) < 62 && (1L << (e * static_cast<long>(w))) < 4 * bound + 1) ++e;
      m.decay_log2 = -e;
      break;
    }
    case ModelKind::transformer: m.beta = softmax_beta(bound); break;
    case ModelKind::transformer_window:
      m.window = w;
      m.beta = softmax_beta(bound);
      break;
  }
  return m;
}

}  // namespace freelunch::dp
