#include "cli/app.hpp"

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "arith/errors.hpp"
#include "cli/check_runner.hpp"
#include "cli/commands.hpp"
#include "cli/output_sink.hpp"
#include "cli/registry.hpp"
#include "cluster/mpi_session.hpp"
#include "core/cancel.hpp"
#include "core/printable.hpp"
#include "core/version.hpp"

namespace freelunch::cli {
namespace {

// Every error message is one line however it was built: what a user typed or a file held
// (a newline in a field name, an ESC sequence, a 1 MB argument) is escaped and cut here, the
// last place before the terminal, whatever the message's author did.
constexpr std::size_t kMessageChars = 1000;
std::string one_line(const char* message) { return printable(message, kMessageChars); }

}  // namespace

int run_app(CLI::App& app, int argc, char** argv, const int& exit_code) {
  try {
    app.parse(argc, argv);
    return exit_code;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: error: %s\n", app.get_name().c_str(), one_line(e.what()).c_str());
    return 2;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: error: %s\n", app.get_name().c_str(), one_line(e.what()).c_str());
    cluster::abort_job_if_distributed(2);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", app.get_name().c_str(), one_line(e.what()).c_str());
    cluster::abort_job_if_distributed(3);
    return 3;
  }
}

void add_subcommands(CLI::App& app, int& exit_code) {
  app.set_version_flag("--version", std::string("freelunch ") + kToolVersion);
  app.require_subcommand(1);
  setup_list(app);
  setup_precisions(app);
  setup_check(app, exit_code);
  setup_copy(app, exit_code);
  setup_cot(app, exit_code);
  setup_eval(app, exit_code);
  setup_report(app, exit_code);
  setup_track(app, exit_code);
  setup_recall(app, exit_code);
  setup_ssd(app, exit_code);
}

int run_freelunch(int argc, char** argv) {
  CLI::App app("freelunch: a proof checker for the theory of Mamba and linear attention", "freelunch");
  int exit_code = 0;
  add_subcommands(app, exit_code);
  return run_app(app, argc, argv, exit_code);
}

CapturedRun run_captured(const std::vector<std::string>& args, std::optional<std::string> stdin_text) {
  CLI::App app("freelunch: a proof checker for the theory of Mamba and linear attention", "freelunch");
  int exit_code = 0;
  add_subcommands(app, exit_code);
  CapturedRun out;
  JsonCapture capture(std::move(stdin_text));
  // CLI11 parses a reversed vector (it pops from the back).
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
    out.exit_code = exit_code;
  } catch (const CLI::CallForHelp&) {
    out.error = CapturedRun::Error::usage;
    out.message = "--help is for the command line; see docs/python.md";
  } catch (const CLI::CallForAllHelp&) {
    out.error = CapturedRun::Error::usage;
    out.message = "--help-all is for the command line; see docs/python.md";
  } catch (const CLI::CallForVersion&) {
    out.json = nlohmann::json{{"tool", kToolVersion}}.dump() + "\n";
  } catch (const CLI::ParseError& e) {
    out.error = CapturedRun::Error::usage;
    out.message = one_line(e.what());
  } catch (const UsageError& e) {
    out.error = CapturedRun::Error::usage;
    out.message = one_line(e.what());
  } catch (const Cancelled&) {
    out.error = CapturedRun::Error::cancelled;
    out.message = "cancelled";
  } catch (const std::exception& e) {
    out.error = CapturedRun::Error::internal;
    out.message = one_line(e.what());
  }
  if (out.error != CapturedRun::Error::none) out.exit_code = out.error == CapturedRun::Error::usage ? 2 : 3;
  if (out.json.empty()) out.json = capture.text();
  return out;
}

int run_single_proof(const char* id, int argc, char** argv) {
  const ProofEntry& entry = find_proof(id);
  CLI::App app(entry.title, "proof_" + entry.id);
  CheckOptions opt;
  opt.ids = {entry.id};
  add_check_options(app, opt, false);
  add_check_json_flag(app, opt);
  int exit_code = 0;
  app.callback([&] { exit_code = run_check(opt); });
  return run_app(app, argc, argv, exit_code);
}

}  // namespace freelunch::cli
