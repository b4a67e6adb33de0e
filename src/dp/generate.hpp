#pragma once
// Generation of a chain of thought (THEORY §3): the stream is fed one token at a time; at the
// position before dp(i) the heads read the dependencies, the transition network (problem.hpp)
// computes y, and the read-out turns y into a token, the integer k in [-V, V] with |y - k| < 1/2
// (in intervals: an enclosure inside (k - 1/2, k + 1/2)); that token is appended and fed back.
// Anything else (non-finite, a tie, outside the vocabulary, an enclosure that straddles) is no
// token and ends the generation. Every token is compared with the direct solution.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/precision.hpp"
#include "core/cancel.hpp"
#include "core/time_cap.hpp"
#include "dp/cot.hpp"
#include "dp/heads.hpp"
#include "dp/model.hpp"
#include "dp/problem.hpp"
#include "dp/relu_circuit.hpp"
#include "dp/stream.hpp"

namespace freelunch::dp {

// The time generate_cot takes in `precision` for `steps` input tokens (core/time_cap.hpp): per
// stream position each head updates its state (mamba-general: one entry per position, so O(T^2)
// in all; mamba-local: w entries) or attends (transformer: every earlier position, an exp each;
// window: w), about six operations per entry. Exact Mamba states are dyadic: mamba-general's
// one-hot slots keep their values' size (a = 1/2 shifts the exponent), mamba-local's sum the
// whole history at a = 2^-e, so their size grows by e bits per position and an exact local chain
// costs O(T^2) bit operations (kadane: 9 s at T = 16384, 4 min at 65536).
TimeEstimate estimate_cot_time(const Problem& problem, const Model& model, std::size_t steps, const arith::Precision& precision);

namespace detail {

// κ_j = ⌈D_j / 2⌉ per position for the balanced split, D_j the longest distance at which
// dependency number `which` reads position j (every dependency, when which is none).
std::vector<long> balanced_kappa(const Problem& problem, const Stream& stream, std::optional<std::size_t> which);

// One head's sources (the positions it reads) packed into `slots` reusable entries (SlotLimit):
// positions in order, an entry freed after its source's last read, the lowest free entry taken;
// a source that finds none is dropped. `needed`: the most sources alive at one position (written,
// and still to be read there or later), the entries a packing without drops needs.
struct SlotPlan {
  std::vector<std::optional<std::size_t>> slot;  // per stream position
  std::size_t needed = 0;
  std::size_t dropped = 0;
};
SlotPlan reuse_slots(const Problem& problem, const Stream& stream, std::size_t head, std::size_t slots);

struct Readout {
  std::optional<long> token;
  bool undecided = false;
  Rational error;  // |y - token|, or the enclosure's largest distance to it
};

template <arith::Arithmetic A>
Readout read_out(const A& ar, const typename A::value_type& y, long bound) {
  Readout r;
  if (!ar.is_finite(y)) return r;
  auto nearest = [](const Rational& x) { return Rational(floor_rational(x + Rational(1, 2))); };
  if constexpr (arith::PointArithmetic<A>) {
    const Rational x = ar.to_rational(y);
    const Rational k = nearest(x);
    const Rational e = x > k ? Rational(x - k) : Rational(k - x);
    if (e >= Rational(1, 2) || k > bound || k < -bound) return r;
    r.token = numerator(k).convert_to<long>();
    r.error = e;
  } else {
    const Rational lo = ar.lower(y), hi = ar.upper(y);
    const Rational k = nearest((lo + hi) / 2);
    if (lo > k - Rational(1, 2) && hi < k + Rational(1, 2) && k <= bound && k >= -bound) {
      r.token = numerator(k).convert_to<long>();
      r.error = std::max(Rational(hi - k), Rational(k - lo));
    } else {
      r.undecided = true;
    }
  }
  return r;
}

}  // namespace detail

template <arith::Arithmetic A>
CotOutcome generate_cot(const A& ar, const Problem& problem, const Model& model, const std::vector<long>& input,
                        const models::RoundingSemantics& sem, const CotOptions& options = {}) {
  using V = typename A::value_type;
  problem.validate_input(input);
  const std::size_t steps = input.size();
  const Stream stream = Stream::for_problem(problem, steps);
  const std::size_t length = stream.length();
  const long bound = problem.value_bound(steps);
  const bool numeric = !options.count_only;
  if (sem.storage) models::through_storage(Rational(0), sem);  // a bad storage name fails first

  CotOutcome out;
  out.expected = problem.solve(input);

  // Heads: one per dependency; LIS on mamba-general: one channel read whole.
  const std::size_t arity = problem.aggregates() ? 1 : problem.dependencies(1).size();
  std::vector<std::unique_ptr<SsmChannel<A>>> channels;
  std::vector<std::unique_ptr<SoftmaxHead<A>>> softmax;
  if ((model.slot_limit || model.wrong_entry) && problem.aggregates())
    throw UsageError("a slot limit or a changed entry of f needs a problem with one head per dependency, not " + problem.id());
  if (model.slot_limit && model.kind != ModelKind::mamba_general) throw UsageError("a slot limit applies to mamba-general only");
  for (std::size_t h = 0; h < arity; ++h) {
    switch (model.kind) {
      case ModelKind::mamba_general: {
        std::vector<long> kappa =
            detail::balanced_kappa(problem, stream, problem.aggregates() ? std::nullopt : std::optional<std::size_t>(h));
        if (model.slot_limit && model.slot_limit->head == h) {
          channels.push_back(std::make_unique<SsmChannel<A>>(ar, model.slot_limit->slots, model.decay_log2, false, std::move(kappa), sem,
                                                             numeric, detail::reuse_slots(problem, stream, h, model.slot_limit->slots).slot));
        } else {
          channels.push_back(std::make_unique<SsmChannel<A>>(ar, length, model.decay_log2, false, std::move(kappa), sem, numeric));
        }
        break;
      }
      case ModelKind::mamba_local:
        channels.push_back(std::make_unique<SsmChannel<A>>(ar, model.window, model.decay_log2, true, std::vector<long>{}, sem, numeric));
        break;
      case ModelKind::transformer:
      case ModelKind::transformer_window:
        softmax.push_back(std::make_unique<SoftmaxHead<A>>(ar, length, model.beta, model.window, sem, numeric));
        break;
    }
  }

  std::optional<ReluCircuit> fixed_circuit_plain;    // the same network at every step (a prefix for LIS)
  std::optional<CompiledCircuit<V>> fixed_circuit;
  auto convert = [&](const Rational& q) { return stored(ar, q, sem); };
  models::Counters counters;
  std::uint64_t before_step = 0;
  std::optional<V> next_token;  // the token generated for the next position
  for (std::size_t t = 0; t < length; ++t) {
    throw_if_cancelled();
    if (options.on_position) options.on_position(t, length);
    // The token of position t.
    V u = ar.from_int(0);
    if (const std::size_t i = stream.step_at(t); i > 0) {
      if (!next_token) break;
      u = std::move(*next_token);
      next_token.reset();
    } else if (t > 0) {
      const std::size_t i_in = stream.layout() == Layout::blocks ? t : (t + 1) / 2;
      u = stored(ar, Rational(input[i_in - 1]), sem);
    }
    for (auto& c : channels) c->absorb(t, u, counters);
    for (auto& s : softmax) s->absorb(t, u, counters);

    // Generate dp(i) if t is the position before it.
    const std::size_t i = stream.step_at(t + 1);
    if (t + 1 >= length || i == 0) continue;
    // (LIS lists O(i) dependencies: not built when only counting.)
    const std::vector<Dependency> deps = numeric || !problem.aggregates() ? problem.dependencies(i) : std::vector<Dependency>{};
    std::vector<V> fetched;
    fetched.reserve(deps.size());
    if (problem.aggregates() && model.kind == ModelKind::mamba_general) {
      const std::vector<V> all = channels[0]->read_all(t, counters);
      if (numeric)
        for (const Dependency& d : deps) fetched.push_back(all[stream.position(d)]);
    } else {
      for (std::size_t h = 0; h < deps.size(); ++h) {
        const std::size_t j = stream.position(deps[h]);
        if (model.omitted_head == h) {
          fetched.push_back(ar.from_int(0));  // the head is not there: f gets 0 for this dependency
          continue;
        }
        fetched.push_back(model.is_mamba() ? channels[h]->read(t, j, counters) : softmax[h]->read(t, j, counters));
      }
    }

    // The transition: one network for every step, or, for LIS, the prefix of one network.
    if (!fixed_circuit_plain) {
      fixed_circuit_plain.emplace(problem.aggregates() ? problem.lis_network(steps, steps) : problem.transition(1, steps));
      if (model.wrong_entry)
        fixed_circuit_plain.emplace(with_changed_entry(*fixed_circuit_plain, model.wrong_entry->at, model.wrong_entry->delta, bound));
      if (numeric) fixed_circuit = compile(ar, *fixed_circuit_plain, convert);
    }
    const ReluCircuit& plain = *fixed_circuit_plain;
    const std::size_t output = problem.aggregates() ? i - 1 : 0;
    const std::size_t last_node = *plain.output_node(output);
    out.counters.relu_units = plain.relu_units_through(last_node);
    const long expected = out.expected[i - 1];
    detail::Readout r;
    if (numeric) {
      const V y = problem.aggregates() ? evaluate_prefix(ar, *fixed_circuit, std::span<const V>(fetched), output, sem, &counters)
                                       : evaluate(ar, *fixed_circuit, std::span<const V>(fetched), sem, &counters)[0];
      r = detail::read_out(ar, y, bound);
    } else {
      counters.mul_adds += plain.mul_adds_through(last_node);
      r.token = expected;
    }
    out.cot.push_back(r.token);
    if (r.token && r.error > out.max_readout_error) out.max_readout_error = r.error;
    if (!r.token || *r.token != expected) {
      if (!out.first_wrong) {
        out.first_wrong = i;
        out.first_wrong_token = r.token;
        out.state = r.undecided && out.state == CotOutcome::State::correct ? CotOutcome::State::undecided : CotOutcome::State::wrong;
      }
    }
    const std::uint64_t step_cost = counters.mul_adds - before_step;
    before_step = counters.mul_adds;
    out.counters.mul_adds_last_step = step_cost;
    out.counters.mul_adds_max_step = std::max(out.counters.mul_adds_max_step, step_cost);
    if (!r.token || (options.stop_at_first_wrong && out.first_wrong)) {
      out.complete = i == steps && r.token.has_value();
      break;
    }
    next_token = stored(ar, Rational(*r.token), sem);
  }
  out.complete = out.complete && out.cot.size() == steps;
  out.counters.mul_adds_total = counters.mul_adds;
  std::uint64_t state = 0;
  for (auto& c : channels) state += c->state_numbers();
  for (auto& s : softmax) state += s->state_numbers(length - 1);
  out.counters.state_numbers = state;
  return out;
}

}  // namespace freelunch::dp
