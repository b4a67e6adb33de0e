// `freelunch track`: one state-tracking layer of S1 (THEORY §5) per arithmetic: its read-out on
// one input, the for-all-length certificate, and the fixed point under the constant input.
//
//   freelunch track parity|mod3 --model negative|householder|positive|diagonal [--decay A]
//                   [--key B] [--length T | --random T --seed S] [--precision LIST] [--json]
//
// --length T runs the constant input 1^T, --random T a seeded random input in {0, 1}^T. Models:
// parity with `negative` (A(1) = --decay, default −1) or `positive` (h ← a h + b on a 1, a = --decay
// default 1/2, b = --key default 1, class 1 iff h > b/2); mod3 with `householder` (two reflections,
// β = 1) or `diagonal` (a random diagonal layer drawn from --seed). Exit 0 when the read-out is
// right after every token of the input in every point arithmetic listed (intervals are not
// applicable: an enclosure is not a state), 1 otherwise, 2 for usage errors. JSON also carries the
// costs counted on the input run (multiply-adds, numbers of state; models::Counters).
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <CLI/CLI.hpp>

#include "arith/errors.hpp"
#include "arith/precision.hpp"
#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "cli/output_sink.hpp"
#include "cli/per_arithmetic.hpp"
#include "core/result.hpp"
#include "core/version.hpp"
#include "models/rounding_semantics.hpp"
#include "tasks/automaton_certificate.hpp"
#include "tasks/constant_input.hpp"
#include "tasks/state_tracking.hpp"

namespace freelunch::cli::track_command {
namespace {

struct TrackOptions {
  std::string task;
  std::string model;
  std::optional<std::string> decay, key;
  std::optional<long> length, random;
  std::uint64_t seed = 1;
  std::string precisions = "exact,fp32,bf16,fp16";
  std::string semantics;
  bool json = false;
};

// The input is evaluated token by token and the certificate holds at most this many states; both
// are linear in memory.
constexpr long kMaxLength = 1L << 22;
constexpr std::size_t kStateCap = 4096;
constexpr std::size_t kFixedPointCap = 1 << 20, kExactFixedPointCap = 1024;

struct Row {
  std::string precision;
  bool applicable = true;
  std::optional<std::size_t> first_wrong;  // 1-based T of the first wrong read-out
  tasks::AutomatonResult automaton;
  std::optional<std::size_t> fixed_point;
  models::Counters cost;  // counted on the input run (until the first wrong read-out)
  Verdict verdict = Verdict::not_applicable;
};

tasks::TrackingLayer make_layer(const TrackOptions& opt) {
  if (opt.task == "parity") {
    if (opt.model == "negative") {
      const Rational a = opt.decay ? parse_rational(*opt.decay) : Rational(-1);
      if (a < -1 || a >= 0) throw UsageError("--decay " + a.str() + " is outside [-1, 0) for --model negative");
      return tasks::parity_negative(a);
    }
    if (opt.model == "positive") {
      const Rational a = opt.decay ? parse_rational(*opt.decay) : Rational(1, 2);
      const Rational b = opt.key ? parse_rational(*opt.key) : Rational(1);
      if (a < 0 || a > 1) throw UsageError("--decay " + a.str() + " is outside [0, 1] for --model positive");
      if (b <= 0) throw UsageError("--key " + b.str() + " must be positive");
      return tasks::parity_positive(a, b, b / 2);
    }
  } else if (opt.task == "mod3") {
    if (opt.model == "householder") return tasks::mod3_householder();
    if (opt.model == "diagonal") return tasks::mod3_diagonal(opt.seed);
  } else {
    throw UsageError("unknown task '" + opt.task + "'; valid: parity, mod3");
  }
  throw UsageError("unknown model '" + opt.model + "' for " + opt.task + "; valid: " +
                   (opt.task == "parity" ? "negative, positive" : "householder, diagonal"));
}

std::vector<std::size_t> make_input(const TrackOptions& opt) {
  if (opt.length.has_value() == opt.random.has_value()) throw UsageError("give exactly one of --length T and --random T");
  const long t = opt.length ? *opt.length : *opt.random;
  if (t < 1) throw UsageError("the input length must be at least 1 (got " + std::to_string(t) + ")");
  if (t > kMaxLength) throw UsageError("the input length " + std::to_string(t) + " is above the limit " + std::to_string(kMaxLength));
  std::vector<std::size_t> input(static_cast<std::size_t>(t), 1);
  if (opt.random) {
    std::mt19937_64 rng(opt.seed);
    for (std::size_t& x : input) x = rng() & 1;
  }
  return input;
}

int run_track(const TrackOptions& opt) {
  const tasks::TrackingLayer layer = make_layer(opt);
  const std::vector<std::size_t> input = make_input(opt);
  const models::RoundingSemantics sem = models::parse_rounding_semantics(opt.semantics);
  const auto precisions = arith::parse_precision_list(opt.precisions);
  const std::vector<Row> rows = rows_per_point_arithmetic<Row>(precisions, [&](const auto& ar) {
    using A = std::decay_t<decltype(ar)>;
    Row r;
    const auto rnn = models::to_arithmetic(ar, layer.rnn, sem);
    const auto readout = tasks::to_arithmetic(ar, layer.readout, sem);
    std::vector<typename A::value_type> h = rnn.h0;
    std::size_t count = 0;
    r.cost.hold(rnn.state);
    for (std::size_t t = 0; t < input.size() && !r.first_wrong; ++t) {
      models::rnn_step(ar, rnn, input[t], h, sem, &r.cost);
      count += input[t];
      if (tasks::read_class(ar, readout, h, sem) != count % layer.modulus) r.first_wrong = t + 1;
    }
    r.automaton = tasks::certify_count_mod(ar, rnn, readout, layer.modulus, kStateCap, sem);
    if (opt.model == "positive") r.fixed_point = tasks::constant_input_fixed_point(ar, rnn, 1, A::is_exact ? kExactFixedPointCap : kFixedPointCap, sem);
    if (r.first_wrong) r.verdict = Verdict::fails;
    else if (r.automaton.closed && !r.automaton.witness) r.verdict = Verdict::verified_all_lengths;
    else r.verdict = passing_verdict(A::is_exact);
    return r;
  });
  // Intervals are listed as not applicable and do not decide the exit code; a list of intervals
  // only decides nothing and exits 1.
  bool all_right = true, any_applicable = false;
  for (const Row& r : rows) {
    any_applicable = any_applicable || r.applicable;
    all_right = all_right && (!r.applicable || !r.first_wrong);
  }
  all_right = all_right && any_applicable;

  auto opt_json = [](const std::optional<std::size_t>& x) { return x ? nlohmann::json(*x) : nlohmann::json(nullptr); };
  if (opt.json) {
    nlohmann::json out = {{"task", opt.task}, {"model", layer.name}, {"input_length", input.size()},
                          {"input", opt.random ? "random seed " + std::to_string(opt.seed) : std::string("constant 1")},
                          {"semantics", sem.to_string()}, {"tool", kToolVersion}, {"results", nlohmann::json::array()}};
    for (const Row& r : rows) {
      if (!r.applicable) {
        out["results"].push_back({{"precision", r.precision}, {"verdict", to_string(Verdict::not_applicable)}, {"closed", nullptr},
                                  {"reachable_states", nullptr}, {"first_wrong", nullptr}, {"fixed_point_step", nullptr},
                                  {"mul_adds", nullptr}, {"state_numbers", nullptr}});
        continue;
      }
      out["results"].push_back({{"precision", r.precision},
                                {"verdict", to_string(r.verdict)},
                                {"closed", r.automaton.closed},
                                {"reachable_states", r.automaton.reachable_states},
                                {"first_wrong", opt_json(r.first_wrong)},
                                {"witness_length", r.automaton.witness ? nlohmann::json(r.automaton.witness->size()) : nlohmann::json(nullptr)},
                                {"fixed_point_step", opt.model == "positive" ? opt_json(r.fixed_point) : nlohmann::json(nullptr)},
                                {"mul_adds", r.cost.mul_adds},
                                {"state_numbers", r.cost.peak_state_numbers}});
    }
    emit_json(out);
  } else {
    std::printf("track: %s, %s, input %s of length %zu; rounding %s\n", opt.task.c_str(), layer.name.c_str(),
                opt.random ? ("random (seed " + std::to_string(opt.seed) + ")").c_str() : "1^T", input.size(), sem.to_string().c_str());
    std::printf("  %-10s %-26s %-12s %s\n", "precision", "verdict", "first wrong", "certificate");
    for (const Row& r : rows) {
      if (!r.applicable) {
        std::printf("  %-10s %-26s %-12s %s\n", r.precision.c_str(), "not applicable", "-", "intervals: no automaton");
        continue;
      }
      std::string cert = r.automaton.describe(layer.modulus);
      if (opt.model == "positive")
        cert += r.fixed_point ? "; fixed point K = " + std::to_string(*r.fixed_point) : "; no fixed point under 1^T up to the cap";
      std::printf("  %-10s %-26s %-12s %s\n", r.precision.c_str(), to_string(r.verdict).c_str(),
                  r.first_wrong ? ("T = " + std::to_string(*r.first_wrong)).c_str() : "-", cert.c_str());
    }
  }
  return all_right ? 0 : 1;
}

}  // namespace
}  // namespace freelunch::cli::track_command

namespace freelunch::cli {

void setup_track(CLI::App& app, int& exit_code) {
  using namespace track_command;
  auto opt = std::make_shared<TrackOptions>();
  CLI::App* sub = app.add_subcommand("track", "State tracking (S1): a parity or mod-3 layer per arithmetic, its read-out, certificate and fixed point");
  sub->add_option("task", opt->task, "parity or mod3")->required();
  sub->add_option("--model", opt->model, "parity: negative or positive; mod3: householder or diagonal")->required();
  sub->add_option("--decay", opt->decay, "negative: A(1) in [-1, 0) (default -1); positive: a in [0, 1] (default 1/2)");
  sub->add_option("--key", opt->key, "positive: b > 0 (default 1); the threshold is b/2");
  sub->add_option("--length", opt->length, "Run the constant input 1^T")->check(exact_integer<long>());
  sub->add_option("--random", opt->random, "Run a random input in {0, 1}^T (seeded)")->check(exact_integer<long>());
  sub->add_option("--seed", opt->seed, "Seed of --random and of the diagonal layer")->capture_default_str()->check(exact_integer<std::uint64_t>());
  sub->add_option("--precision", opt->precisions, "Comma-separated arithmetics")->capture_default_str();
  sub->add_option("--semantics", opt->semantics, "Rounding semantics, e.g. fused,pairwise,storage=bf16");
  sub->add_flag("--json", opt->json, "Print one JSON object instead of the table");
  sub->callback([opt, &exit_code] { exit_code = run_track(*opt); });
}

}  // namespace freelunch::cli
