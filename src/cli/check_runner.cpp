#include "cli/check_runner.hpp"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <tuple>
#include <utility>

#include <CLI/CLI.hpp>

#include "arith/errors.hpp"
#include "arith/mpfr_guard.hpp"
#include "cli/output_sink.hpp"
#include "cli/registry.hpp"
#include "cli/validators.hpp"
#include "cluster/mpi_session.hpp"
#include "core/instances.hpp"
#include "core/parallel.hpp"
#include "core/result_store.hpp"
#include "core/version.hpp"
#include "output/atomic_file.hpp"
#include "output/result_tables.hpp"

namespace freelunch::cli {
namespace {

// "(Thm 1; v1 Thm 1)", "(lemma; v1 (lemma))", "(S1)": the paper numbering of a module, v2 first
// (a v2 that is already parenthesized, like "(lemma)", is not wrapped twice), v1 when asked and
// present.
std::string numbering(const ProofEntry& e, bool with_v1) {
  const std::string v2 = e.v2.starts_with("(") && e.v2.ends_with(")") ? e.v2.substr(1, e.v2.size() - 2) : e.v2;
  const bool has_v1 = with_v1 && e.v1 != "-" && !e.v1.empty();
  return "(" + v2 + (has_v1 ? "; v1 " + e.v1 : "") + ")";
}

Grid parse_grid(const std::string& g) {
  if (g == "quick") return Grid::quick;
  if (g == "full") return Grid::full;
  throw UsageError("unknown grid '" + g + "'; valid: quick, full");
}

std::vector<const ProofEntry*> selected_proofs(const std::vector<std::string>& ids) {
  std::vector<const ProofEntry*> out;
  for (const std::string& id : ids) {
    std::string lower = id;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "all") {
      for (const ProofEntry& e : proof_registry())
        if (e.run && std::find(out.begin(), out.end(), &e) == out.end()) out.push_back(&e);
      continue;
    }
    const ProofEntry& e = find_proof(id);
    if (!e.run) throw UsageError("theorem " + e.id + " is not implemented yet (see `freelunch list`)");
    if (std::find(out.begin(), out.end(), &e) == out.end()) out.push_back(&e);
  }
  if (out.empty()) throw UsageError("no theorem to check; give ids (l1, t1..t5) or all");
  return out;
}

}  // namespace

void add_check_options(CLI::App& app, CheckOptions& opt, bool with_ids, const std::string& results_flag) {
  if (with_ids) app.add_option("ids", opt.ids, "Theorem ids (l1, t1..t5, case-insensitive) or all")->required();
  app.add_option("--precision", opt.precisions, "Comma-separated arithmetics (default: the proof's list)")
      ->each([&opt](const std::string&) { opt.precisions_given = true; });
  app.add_option("--grid", opt.grid, "quick or full")->capture_default_str();
  app.add_option("--seed", opt.seed, "Seed of the random instances")->capture_default_str()->check(exact_integer<std::uint64_t>());
  opt.results_flag = results_flag;
  app.add_option(results_flag, opt.out_dir, "Directory for JSON lines and the results store")->capture_default_str();
  app.add_option("--tables", opt.tables_dir, "Directory for LaTeX tables")->capture_default_str();
  app.add_option("--jobs", opt.jobs, "Instances run in parallel")->capture_default_str()->check(exact_integer<unsigned>())->check(CLI::Range(1u, 256u));
  app.add_option("--semantics", opt.semantics, "Rounding semantics: per-op|fused, sequential|pairwise, storage=P")
      ->capture_default_str();
  app.add_flag("--quiet", opt.quiet, "No progress line on stderr");
  app.add_flag("--falsify", opt.falsify,
               "Run the falsifiers instead: perturbed constructions and claims each check must reject; exit 0 iff all are rejected");
  app.add_option("--shard", opt.shard,
                 "i/k: run only the instances with index % k == i (0 <= i < k), into a shard file of the results store; a later run "
                 "without --shard reuses every shard (docs/cluster.md)");
  app.add_flag("--mpi", opt.mpi,
               "Share the instances among the processes of `mpirun -np K` (rank 0 hands them out, stores and writes; docs/cluster.md)");
  app.add_flag("--fresh", opt.fresh, "Recompute every instance instead of reusing the results store (.store in the " + results_flag + " directory)");
}

void add_check_json_flag(CLI::App& app, CheckOptions& opt) {
  app.add_flag("--json", opt.json,
               "Print one JSON object (every record of the JSON lines, per theorem) instead of the text; files are written as ever");
}

namespace {

// "i/k" with 0 <= i < k <= 65536, typed exactly.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const std::string valid = "expected i/k with 0 <= i < k <= 65536, e.g. 0/4 (Slurm: $SLURM_ARRAY_TASK_ID/K)";
  const std::size_t slash = text.find('/');
  auto number = [&](const std::string& part) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size()) throw UsageError("--shard '" + text + "': " + valid);
    return value;
  };
  if (slash == std::string::npos) throw UsageError("--shard '" + text + "': " + valid);
  const std::size_t i = number(text.substr(0, slash)), k = number(text.substr(slash + 1));
  if (k < 1 || k > 65536 || i >= k) throw UsageError("--shard '" + text + "': " + valid);
  return {i, k};
}

ProofOptions base_options(const CheckOptions& opt) {
  ProofOptions base;
  if (!opt.shard.empty()) std::tie(base.shard_index, base.shard_count) = parse_shard(opt.shard);
  base.grid = parse_grid(opt.grid);
  base.seed = opt.seed;
  base.jobs = opt.jobs;
  base.semantics = models::parse_rounding_semantics(opt.semantics);
  base.progress = !opt.quiet && opt.speaks();
  base.distributor = opt.distributor;
  if (base.jobs > 1 && !arith::mpfr_is_thread_safe()) {
    std::fprintf(stderr, "freelunch: this MPFR keeps its exponent range process-wide; running with --jobs 1\n");
    base.jobs = 1;
  }
  return base;
}

// A result with a verdict under a name the module did not declare would escape --falsify's
// coverage check: a programmer error, refused at once.
void require_declared(const ProofEntry& entry, const ProofReport& report) {
  for (const CheckResult& r : report.results) {
    if (r.verdict == Verdict::measured || r.verdict == Verdict::not_applicable) continue;
    if (std::find(entry.checks.begin(), entry.checks.end(), r.check) == entry.checks.end())
      throw std::logic_error("proof " + entry.id + " gives a verdict under the undeclared check '" + r.check + "'");
  }
}

}  // namespace

CheckOutcome run_proofs(const CheckOptions& opt) {
  const ProofOptions base = base_options(opt);
  const auto proofs = selected_proofs(opt.ids);
  if (opt.speaks()) {
    output::require_writable_directory(opt.out_dir, opt.results_flag);
    output::require_writable_directory(opt.tables_dir, "--tables");
  }
  const auto user_precisions = opt.precisions_given ? arith::parse_precision_list(opt.precisions) : std::vector<arith::Precision>{};

  CheckOutcome outcome;
  for (const ProofEntry* entry : proofs) {
    ProofOptions po = base;
    po.precisions = opt.precisions_given ? user_precisions : arith::parse_precision_list(entry->default_precisions);
    // The store of this exact command: everything that determines the instances and results.
    std::string identity = entry->id + "|" + to_string(po.grid) + "|" + std::to_string(po.seed) + "|" + po.semantics.to_string() + "|" + kToolVersion;
    for (const arith::Precision& p : po.precisions) identity += "|" + p.name;
    po.store = store_path(opt.out_dir, entry->id, identity);
    if (opt.fresh && opt.speaks()) ResultStore(po.store).remove();
    ProofReport report;
    try {
      report = entry->run(po);
    } catch (const ShardStored& stored) {
      const std::string line = entry->id + ": shard " + opt.shard + " computed " + std::to_string(stored.computed) + " and found " +
                               std::to_string(stored.reused) + " of its instances stored; " + std::to_string(stored.missing) + " of " +
                               std::to_string(stored.count) + " belong to other shards and are not stored yet (" + stored.file + ")";
      if (!opt.json) std::printf("%s\n", line.c_str());
      outcome.shards_stored.push_back(line);
      continue;
    }
    report.claim = entry->claim;
    require_declared(*entry, report);
    ProofRun run{entry, {}, {}, {}};
    if (entry->tables) run.tables = entry->tables(report, po.precisions);
    if (entry->figures) run.figures = entry->figures(report);

    const bool this_failed = report.any_failure();
    if (!opt.json) {
      std::printf("%s %s: %s\n", entry->id.c_str(), numbering(*entry, true).c_str(), entry->claim.c_str());
      std::printf("  grid %s (%s), seed %llu, rounding %s\n", report.grid.c_str(), report.scope.c_str(),
                  static_cast<unsigned long long>(report.seed), base.semantics.to_string().c_str());
      std::fputs(output::terminal_summary(report).c_str(), stdout);
      for (const NamedTable& t : run.tables)
        if (t.table.on_terminal) std::printf("\n%s\n", t.table.render_text().c_str());
      std::printf("  => %s\n", this_failed ? "FAILS (first failure above)" : ("every check holds (verified where exact or certified, numerically elsewhere) on " + report.scope).c_str());
    }

    const std::string jsonl = (std::filesystem::path(opt.out_dir) / (entry->id + ".jsonl")).string();
    if (opt.speaks()) {
      output::write_file_atomically(jsonl, report.to_json_lines());
      for (const NamedTable& t : run.tables)
        output::write_file_atomically((std::filesystem::path(opt.tables_dir) / t.file).string(), t.table.render());
    }
    if (!opt.json) std::printf("  wrote %s and %zu table(s) in %s\n", jsonl.c_str(), run.tables.size(), opt.tables_dir.c_str());
    outcome.failed = outcome.failed || this_failed;
    run.report = std::move(report);
    outcome.runs.push_back(std::move(run));
  }
  return outcome;
}

bool run_falsifiers(const CheckOptions& opt) {
  const ProofOptions base = base_options(opt);
  const auto proofs = selected_proofs(opt.ids);
  output::require_writable_directory(opt.out_dir, opt.results_flag);
  const auto user_precisions = opt.precisions_given ? arith::parse_precision_list(opt.precisions) : std::vector<arith::Precision>{};
  bool all_rejected = true;
  std::size_t total = 0, rejected = 0;
  nlohmann::json records = nlohmann::json::array(), unfalsified = nlohmann::json::array();
  for (const ProofEntry* entry : proofs) {
    ProofOptions po = base;
    po.precisions = opt.precisions_given ? user_precisions : arith::parse_precision_list(entry->default_precisions);
    const std::vector<Falsifier> falsifiers = entry->falsifiers ? entry->falsifiers(po) : std::vector<Falsifier>{};
    const std::string numbering = cli::numbering(*entry, false);
    if (!opt.json)
      std::printf("%s %s: %zu falsifiers for %zu checks\n", entry->id.c_str(), numbering.c_str(), falsifiers.size(), entry->checks.size());
    const auto results = parallel_map<FalsifierResult>(
        falsifiers.size(), po.jobs, [&](std::size_t i) { return run_falsifier(entry->id, falsifiers[i]); },
        [&](std::size_t done) {
          if (po.progress) std::fprintf(stderr, "\r%s falsifiers: %zu/%zu", entry->id.c_str(), done, falsifiers.size());
          if (po.progress && done == falsifiers.size()) std::fputc('\n', stderr);
        });
    std::string jsonl;
    for (const FalsifierResult& r : results) {
      if (!opt.json) std::printf("  %s\n", r.line().c_str());
      jsonl += r.to_json().dump() + "\n";
      records.push_back(r.to_json());
      ++total;
      if (r.rejected) ++rejected;
      all_rejected = all_rejected && r.rejected;
    }
    for (const std::string& check : checks_without_falsifier(entry->checks, falsifiers)) {
      if (!opt.json) std::printf("  NO FALSIFIER  %s | %s\n", entry->id.c_str(), check.c_str());
      unfalsified.push_back({{"proof", entry->id}, {"check", check}});
      all_rejected = false;
    }
    output::write_file_atomically((std::filesystem::path(opt.out_dir) / (entry->id + ".falsify.jsonl")).string(), jsonl);
  }
  if (opt.json)
    emit_json({{"falsifiers", records}, {"checks_without_falsifier", unfalsified}, {"rejected", rejected}, {"total", total},
               {"all_rejected", all_rejected}, {"tool", kToolVersion}});
  else
    std::printf("=> %zu of %zu falsifiers rejected%s\n", rejected, total, all_rejected ? "; every check can fail" : "; SOME CHECK CANNOT FAIL (above)");
  return all_rejected;
}

struct DistributedRun::Session {
  cluster::MpiSession mpi;
};

DistributedRun::DistributedRun(CheckOptions& opt) {
  if (!opt.mpi) return;
  if (opt.falsify) throw UsageError("--mpi applies to the checks, not to --falsify (its runs are not stored)");
  if (!opt.shard.empty()) throw UsageError("--mpi and --shard: choose one (--mpi hands out the instances itself)");
  (void)base_options(opt);
  (void)selected_proofs(opt.ids);
  if (opt.precisions_given) (void)arith::parse_precision_list(opt.precisions);
  session_ = std::make_unique<Session>();
  opt.distributor = &session_->mpi.distributor();
  if (!session_->mpi.root() && !std::freopen("/dev/null", "w", stdout))
    throw std::runtime_error("rank " + std::to_string(session_->mpi.rank()) + ": cannot send stdout to /dev/null");
}

DistributedRun::~DistributedRun() = default;

int run_check(const CheckOptions& options) {
  CheckOptions opt = options;
  const DistributedRun distributed(opt);
  if (opt.falsify) {
    if (!opt.shard.empty()) throw UsageError("--shard applies to the checks, not to --falsify (its runs are not stored)");
    return run_falsifiers(opt) ? 0 : 1;
  }
  const CheckOutcome outcome = run_proofs(opt);
  if (opt.json) {
    // The records exactly as OUT/<id>.jsonl holds them, per theorem.
    nlohmann::json proofs = nlohmann::json::array();
    for (const ProofRun& run : outcome.runs) {
      nlohmann::json records = nlohmann::json::array();
      const std::string lines = run.report.to_json_lines();
      for (std::size_t start = 0, end; start < lines.size(); start = end + 1) {
        end = lines.find('\n', start);
        records.push_back(nlohmann::json::parse(lines.substr(start, end - start)));
      }
      proofs.push_back({{"id", run.report.id}, {"claim", run.report.claim}, {"grid", run.report.grid}, {"scope", run.report.scope},
                        {"seed", run.report.seed}, {"holds", !run.report.any_failure()}, {"records", records}});
    }
    nlohmann::json out = {{"proofs", proofs}, {"holds", !outcome.failed}, {"tool", kToolVersion}};
    if (!opt.shard.empty()) out["shards_stored"] = outcome.shards_stored;
    emit_json(out);
  }
  return outcome.failed ? 1 : 0;
}

}  // namespace freelunch::cli
