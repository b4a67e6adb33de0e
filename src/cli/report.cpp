// `freelunch report [ids...] [--out docs/report] [--pdf]`: runs (or reuses from the results store)
// every proof (or those named) on the grid, writes the LaTeX report with its tables and pgfplots figures, and with
// --pdf compiles it with latexmk. Exit 0 when every check holds, 1 when one fails (the report is
// written all the same: it shows the failure), 2 for usage errors or a PDF that could not be built.
#include <spawn.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>

#include <CLI/CLI.hpp>

#include "arith/errors.hpp"
#include "cli/check_runner.hpp"
#include "cli/commands.hpp"
#include "cli/registry.hpp"
#include "models/rounding_semantics.hpp"
#include "output/atomic_file.hpp"
#include "output/report_document.hpp"

extern char** environ;

namespace freelunch::cli::report_command {
namespace {

struct ReportOptions {
  CheckOptions check;
  std::string out_dir = "docs/report";
  bool pdf = false;
};

// Runs latexmk on DIR/report.tex, its output in DIR/latexmk.out. Throws UsageError (exit 2)
// naming the log when latexmk is missing or LaTeX stops on an error.
void build_pdf(const std::string& dir) {
  const std::string tex = (std::filesystem::path(dir) / "report.tex").string();
  const std::string transcript = (std::filesystem::path(dir) / "latexmk.out").string();
  std::vector<std::string> args = {"latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-cd", tex};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, transcript.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, STDIN_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "latexmk", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    throw UsageError("cannot run latexmk (" + std::string(std::strerror(spawned)) + "); install the TeX packages with 'scripts/setup --report'");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw UsageError("waiting for latexmk failed: " + std::string(std::strerror(errno)));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    throw UsageError("latexmk not found; install the TeX packages with 'scripts/setup --report'");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw UsageError("latexmk could not build the PDF; see " + (std::filesystem::path(dir) / "report.log").string() + " and " + transcript);
}

// True when `program` is an executable file in a directory of $PATH.
bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  for (std::size_t start = 0; start <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::filesystem::path candidate = std::filesystem::path(dirs.substr(start, end - start)) / program;
    if (end > start && access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

int run_report(const ReportOptions& options) {
  if (options.check.falsify) throw UsageError("--falsify belongs to `freelunch check`; the report shows the checks themselves");
  ReportOptions opt = options;
  // Fail before the sweep, not after it (only the root of an --mpi run writes the report).
  if (opt.pdf && !on_path("latexmk") && !opt.check.mpi)
    throw UsageError("cannot run latexmk (not found on PATH); install the TeX packages with 'scripts/setup --report'");
  const DistributedRun distributed(opt.check);
  if (opt.check.speaks()) {
    if (opt.pdf && !on_path("latexmk"))
      throw UsageError("cannot run latexmk (not found on PATH); install the TeX packages with 'scripts/setup --report'");
    output::require_writable_directory(opt.out_dir, "--out");
  }
  const auto outcome = run_proofs(opt.check);
  if (!opt.check.speaks()) return outcome.failed ? 1 : 0;
  if (!outcome.shards_stored.empty()) {  // a part of the instances: the report waits for the other shards
    std::printf("report: not written; %zu proof(s) wait for other shards: run without --shard once every shard has finished\n",
                outcome.shards_stored.size());
    return outcome.failed ? 1 : 0;
  }
  std::vector<output::ReportSection> sections;
  for (const ProofRun& r : outcome.runs) sections.push_back({r.entry, &r.report, &r.tables, &r.figures});
  const std::string semantics = models::parse_rounding_semantics(opt.check.semantics).to_string();
  const auto files = output::report_files(sections, semantics);
  for (const output::ReportFile& f : files) output::write_file_atomically((std::filesystem::path(opt.out_dir) / f.path).string(), f.contents);
  std::printf("report: wrote %s (%zu sections, %zu figures, %zu files)\n", (std::filesystem::path(opt.out_dir) / "report.tex").c_str(),
              sections.size(), output::figure_count(files), files.size());
  if (opt.pdf) {
    std::fflush(stdout);
    build_pdf(opt.out_dir);
    std::printf("report: wrote %s\n", (std::filesystem::path(opt.out_dir) / "report.pdf").c_str());
  }
  return outcome.failed ? 1 : 0;
}

}  // namespace
}  // namespace freelunch::cli::report_command

namespace freelunch::cli {

void setup_report(CLI::App& app, int& exit_code) {
  using namespace report_command;
  auto opt = std::make_shared<ReportOptions>();
  opt->check.ids = {"all"};
  CLI::App* sub = app.add_subcommand("report", "Run every proof (reusing finished instances) and write the LaTeX report with figures");
  add_check_options(*sub, opt->check, false, "--results");
  sub->add_option("ids", opt->check.ids, "Theorem ids (l1, t1..t5) or all; default all")->capture_default_str();
  sub->add_option("--out", opt->out_dir, "Directory of the report (report.tex, tables/, figures/)")->capture_default_str();
  sub->add_flag("--pdf", opt->pdf, "Also compile report.pdf with latexmk (TeX packages: scripts/setup --report)");
  sub->callback([opt, &exit_code] { exit_code = run_report(*opt); });
}

}  // namespace freelunch::cli
