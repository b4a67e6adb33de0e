#include "cli/app.hpp"

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "arith/errors.hpp"
#include "cli/check_runner.hpp"
#include "cli/registry.hpp"

namespace freelunch::cli {

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
    std::fprintf(stderr, "%s: error: %s\n", app.get_name().c_str(), e.what());
    return 2;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: error: %s\n", app.get_name().c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", app.get_name().c_str(), e.what());
    return 3;
  }
}

int run_single_proof(const char* id, int argc, char** argv) {
  const ProofEntry& entry = find_proof(id);
  CLI::App app(entry.title, "proof_" + entry.id);
  CheckOptions opt;
  opt.ids = {entry.id};
  add_check_options(app, opt, false);
  int exit_code = 0;
  app.callback([&] { exit_code = run_check(opt); });
  return run_app(app, argc, argv, exit_code);
}

}  // namespace freelunch::cli
