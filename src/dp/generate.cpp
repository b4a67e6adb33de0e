#include "dp/generate.hpp"

#include <cmath>
#include <cstdio>
#include <queue>
#include <variant>
#include <set>

#include "arith/errors.hpp"
#include "core/cancel.hpp"

namespace freelunch::dp {

TimeEstimate estimate_cot_time(const Problem& problem, const Model& model, std::size_t steps, const arith::Precision& precision) {
  const std::size_t length = Stream::for_problem(problem, steps).length();
  const double heads = static_cast<double>(problem.aggregates() ? 1 : problem.dependencies(1).size());
  const bool exact = std::holds_alternative<arith::ExactSpec>(precision.spec);
  constexpr double kOpsPerEntry = 6;
  double seconds = 0, ops = 0;
  for (std::size_t t = 0; t < length; ++t) {
    const double position = static_cast<double>(t);
    double entries = 0, per_entry = kOpsPerEntry, bits = 64;
    switch (model.kind) {
      case ModelKind::mamba_general: entries = static_cast<double>(length); break;
      case ModelKind::mamba_local:
        entries = static_cast<double>(model.window);
        bits += static_cast<double>(std::abs(model.decay_log2)) * position;
        break;
      case ModelKind::transformer: entries = position + 1, per_entry += kTranscendentalOps; break;
      case ModelKind::transformer_window: entries = std::min(position + 1, static_cast<double>(model.window)), per_entry += kTranscendentalOps; break;
    }
    const double position_ops = heads * entries * per_entry;
    ops += position_ops;
    seconds += position_ops * (exact ? exact_op_seconds(bits, 64) : value_op_seconds(precision));
  }
  char what[160];
  std::snprintf(what, sizeof what, "%.3g operations over %zu stream positions in %s", ops, length, precision.name.c_str());
  return {seconds, what};
}

std::string to_string(CotOutcome::State s) {
  switch (s) {
    case CotOutcome::State::correct: return "correct";
    case CotOutcome::State::wrong: return "wrong";
    case CotOutcome::State::undecided: return "undecided";
  }
  return "";
}

namespace detail {

std::vector<long> balanced_kappa(const Problem& problem, const Stream& stream, std::optional<std::size_t> which) {
  std::vector<std::size_t> longest(stream.length(), 0);
  if (!which && problem.aggregates()) {
    // Every position before the last step is read there, at the longest distance.
    const std::size_t last = stream.generating_position(stream.steps());
    for (std::size_t j = 0; j <= last; ++j) longest[j] = last - j;
  }
  for (std::size_t i = 1; i <= stream.steps() && !(!which && problem.aggregates()); ++i) {
    const std::size_t t = stream.generating_position(i);
    const std::vector<Dependency> deps = problem.dependencies(i);
    for (std::size_t h = 0; h < deps.size(); ++h) {
      if (which && h != *which) continue;
      const std::size_t j = stream.position(deps[h]);
      longest[j] = std::max(longest[j], t - j);
    }
  }
  std::vector<long> kappa;
  kappa.reserve(longest.size());
  for (std::size_t d : longest) kappa.push_back(static_cast<long>((d + 1) / 2));
  return kappa;
}

SlotPlan reuse_slots(const Problem& problem, const Stream& stream, std::size_t head, std::size_t slots) {
  // The last position at which each source is read by this head.
  std::vector<std::optional<std::size_t>> last_read(stream.length());
  for (std::size_t i = 1; i <= stream.steps(); ++i) {
    const std::vector<Dependency> deps = problem.dependencies(i);
    if (head >= deps.size()) throw UsageError(problem.id() + " has no dependency number " + std::to_string(head));
    const std::size_t j = stream.position(deps[head]), t = stream.generating_position(i);
    last_read[j] = std::max(last_read[j].value_or(t), t);
  }

  SlotPlan plan;
  plan.slot.assign(stream.length(), std::nullopt);
  // Alive sources as (last read, entry), soonest first; free entries, lowest first.
  std::priority_queue<std::pair<std::size_t, std::size_t>, std::vector<std::pair<std::size_t, std::size_t>>, std::greater<>> taken;
  std::set<std::size_t> free_entries;
  for (std::size_t s = 0; s < slots; ++s) free_entries.insert(s);
  std::vector<long> alive_change(stream.length() + 1, 0);
  for (std::size_t t = 0; t < stream.length(); ++t) {
    throw_if_cancelled();
    // An entry read for the last time at t - 1 or earlier is free at t.
    while (!taken.empty() && taken.top().first < t) {
      free_entries.insert(taken.top().second);
      taken.pop();
    }
    if (!last_read[t]) continue;
    ++alive_change[t];
    --alive_change[*last_read[t] + 1];
    if (free_entries.empty()) {
      ++plan.dropped;
      continue;
    }
    const std::size_t s = *free_entries.begin();
    free_entries.erase(free_entries.begin());
    plan.slot[t] = s;
    taken.push({*last_read[t], s});
  }
  long alive = 0;
  for (long change : alive_change) {
    alive += change;
    plan.needed = std::max(plan.needed, static_cast<std::size_t>(alive));
  }
  return plan;
}

}  // namespace detail

}  // namespace freelunch::dp
