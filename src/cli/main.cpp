// freelunch: checks the theorems of Ren, Li, Liu (arXiv 2410.03810) on concrete instances, in
// exact, MPFR, emulated, fixed-point and interval arithmetic.
#include "cli/app.hpp"

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "core/version.hpp"

int main(int argc, char** argv) {
  CLI::App app("freelunch: a proof checker for the theory of Mamba and linear attention", "freelunch");
  app.set_version_flag("--version", std::string("freelunch ") + freelunch::kToolVersion);
  app.require_subcommand(1);
  int exit_code = 0;
  freelunch::cli::setup_list(app);
  freelunch::cli::setup_precisions(app);
  freelunch::cli::setup_check(app, exit_code);
  freelunch::cli::setup_copy(app, exit_code);
  freelunch::cli::setup_cot(app, exit_code);
  freelunch::cli::setup_eval(app, exit_code);
  freelunch::cli::setup_report(app, exit_code);
  freelunch::cli::setup_track(app, exit_code);
  freelunch::cli::setup_recall(app, exit_code);
  freelunch::cli::setup_ssd(app, exit_code);
  return freelunch::cli::run_app(app, argc, argv, exit_code);
}
