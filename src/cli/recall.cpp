// `freelunch recall`: associative recall with a matrix memory (S3, THEORY §5) per arithmetic.
//
//   freelunch recall --model delta|additive --keys d --pairs m [--writes W] [--seed S]
//                    [--precision LIST] [--decoded] [--json]
//
// The stream (tasks::recall_stream): m distinct keys in d dimensions (one-hot, then unit keys
// mixing two coordinates for m > d), W >= m scalar writes (every key once, then seeded picks:
// W > m overwrites), values in {1, ..., 4}, β = 1; then one query per key. A query is right when
// its output equals the latest value written under its key (with --decoded: is within 1/2 of
// it). Exit 0 when every query is right in every point arithmetic listed (intervals are listed as
// not applicable and decide nothing), 1 otherwise, 2 for usage errors. Costs are counted by the
// memory as it runs (models::Counters): multiply-adds of the writes and reads, numbers of state.
#include <cstdio>
#include <memory>
#include <optional>
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
#include "tasks/associative_recall.hpp"

namespace freelunch::cli::recall_command {
namespace {

struct RecallOptions {
  std::string model;
  long keys = 0, pairs = 0;
  std::optional<long> writes;
  std::uint64_t seed = 1;
  std::string precisions = "exact,fp32,bf16,fp16";
  std::string semantics;
  bool decoded = false, json = false;
};

// The stream holds W keys of d rationals and the memory d numbers (d_v = 1): W * d entries of a
// few dozen bytes each. 2^22 entries keep it under about 200 MB.
constexpr long kMaxEntries = 1L << 22;

struct Row {
  std::string precision;
  bool applicable = true;
  tasks::RecallOutcome outcome;
  models::Counters cost;  // counted by the memory as it runs: writes and reads
  Verdict verdict = Verdict::not_applicable;
};

models::MemoryRule parse_rule(const std::string& name) {
  if (name == "delta") return models::MemoryRule::delta;
  if (name == "additive") return models::MemoryRule::additive;
  throw UsageError("unknown model '" + name + "'; valid: delta, additive");
}

tasks::RecallStream make_stream(const RecallOptions& opt) {
  if (opt.keys < 1) throw UsageError("--keys d must be at least 1 (got " + std::to_string(opt.keys) + ")");
  if (opt.pairs < 1) throw UsageError("--pairs m must be at least 1 (got " + std::to_string(opt.pairs) + ")");
  const long writes = opt.writes.value_or(opt.pairs);
  if (writes < 1) throw UsageError("--writes W must be at least 1 (got " + std::to_string(writes) + ")");
  if (opt.keys > kMaxEntries || writes > kMaxEntries / opt.keys)
    throw UsageError("--writes " + std::to_string(writes) + " with --keys " + std::to_string(opt.keys) + " is above the memory limit of " +
                     std::to_string(kMaxEntries) + " stored key entries (W * d)");
  return tasks::recall_stream(static_cast<std::size_t>(opt.keys), static_cast<std::size_t>(opt.pairs), static_cast<std::size_t>(writes), opt.seed);
}

std::string query_text(const tasks::RecallStream& s, const tasks::RecallOutcome& o) {
  if (!o.first_wrong_query) return "-";
  const std::size_t q = *o.first_wrong_query;
  const std::string got = o.outputs[q].empty() ? "non-finite" : o.outputs[q][0].str();
  return "key " + std::to_string(q + 1) + ": " + got + ", expected " + s.expected[q][0].str();
}

int run_recall_command(const RecallOptions& opt) {
  const models::MemoryRule rule = parse_rule(opt.model);
  const tasks::RecallStream stream = make_stream(opt);
  const models::RoundingSemantics sem = models::parse_rounding_semantics(opt.semantics);
  const auto precisions = arith::parse_precision_list(opt.precisions);
  const std::vector<Row> rows = rows_per_point_arithmetic<Row>(precisions, [&](const auto& ar) {
    using A = std::decay_t<decltype(ar)>;
    Row r;
    r.outcome = tasks::run_recall(ar, rule, stream, opt.decoded, sem, &r.cost);
    r.verdict = r.outcome.correct ? passing_verdict(A::is_exact) : Verdict::fails;
    return r;
  });
  bool all_right = true, any_applicable = false;
  for (const Row& r : rows) {
    any_applicable = any_applicable || r.applicable;
    all_right = all_right && (!r.applicable || r.outcome.correct);
  }
  all_right = all_right && any_applicable;

  const std::size_t writes = stream.keys.size();
  if (opt.json) {
    nlohmann::json out = {{"model", models::to_string(rule)}, {"d", stream.d}, {"pairs", stream.queries.size()}, {"writes", writes},
                          {"seed", opt.seed}, {"criterion", opt.decoded ? "decoded" : "exact"}, {"semantics", sem.to_string()},
                          {"tool", kToolVersion}, {"results", nlohmann::json::array()}};
    for (const Row& r : rows) {
      nlohmann::json row = {{"precision", r.precision}, {"verdict", to_string(r.verdict)}};
      if (!r.applicable) {
        row["correct"] = nullptr;
        row["first_wrong_query"] = nullptr;
        row["mul_adds"] = nullptr;
        row["state_numbers"] = nullptr;
      } else {
        row["correct"] = r.outcome.correct;
        // 1-based: the key index, as printed in the table.
        row["first_wrong_query"] = r.outcome.first_wrong_query ? nlohmann::json(*r.outcome.first_wrong_query + 1) : nlohmann::json(nullptr);
        row["mul_adds"] = r.cost.mul_adds;
        row["state_numbers"] = r.cost.peak_state_numbers;
      }
      out["results"].push_back(row);
    }
    emit_json(out);
  } else {
    std::printf("recall: %s rule, d = %zu, m = %zu keys, W = %zu writes (seed %llu), %s answers; rounding %s\n", models::to_string(rule).c_str(),
                stream.d, stream.queries.size(), writes, static_cast<unsigned long long>(opt.seed), opt.decoded ? "decoded" : "exact",
                sem.to_string().c_str());
    std::printf("  %-10s %-26s %-12s %-6s %s\n", "precision", "verdict", "mul-adds", "state", "first wrong query");
    for (const Row& r : rows) {
      if (!r.applicable) {
        std::printf("  %-10s %-26s %-12s %-6s %s\n", r.precision.c_str(), "not applicable", "-", "-", "intervals: an enclosure is not an answer");
        continue;
      }
      std::printf("  %-10s %-26s %-12llu %-6llu %s\n", r.precision.c_str(), to_string(r.verdict).c_str(), static_cast<unsigned long long>(r.cost.mul_adds),
                  static_cast<unsigned long long>(r.cost.peak_state_numbers), query_text(stream, r.outcome).c_str());
    }
  }
  return all_right ? 0 : 1;
}

}  // namespace
}  // namespace freelunch::cli::recall_command

namespace freelunch::cli {

void setup_recall(CLI::App& app, int& exit_code) {
  using namespace recall_command;
  auto opt = std::make_shared<RecallOptions>();
  CLI::App* sub = app.add_subcommand("recall", "Associative recall (S3): delta rule or additive memory per arithmetic, every query checked");
  sub->add_option("--model", opt->model, "delta or additive")->required();
  sub->add_option("--keys", opt->keys, "Key dimension d >= 1")->required()->check(exact_integer<long>());
  sub->add_option("--pairs", opt->pairs, "Distinct keys m, 1 <= m <= 2d")->required()->check(exact_integer<long>());
  sub->add_option("--writes", opt->writes, "Writes W >= m (default m; W > m overwrites)")->check(exact_integer<long>());
  sub->add_option("--seed", opt->seed, "Seed of the values and of the extra writes")->capture_default_str()->check(exact_integer<std::uint64_t>());
  sub->add_option("--precision", opt->precisions, "Comma-separated arithmetics")->capture_default_str();
  sub->add_option("--semantics", opt->semantics, "Rounding semantics, e.g. fused,pairwise,storage=bf16");
  sub->add_flag("--decoded", opt->decoded, "A query is right within 1/2 of the latest value (default: equal to it)");
  sub->add_flag("--json", opt->json, "Print one JSON object instead of the table");
  sub->callback([opt, &exit_code] { exit_code = run_recall_command(*opt); });
}

}  // namespace freelunch::cli
