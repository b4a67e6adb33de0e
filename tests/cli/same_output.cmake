# Runs `freelunch check` twice with different --jobs and compares the JSON lines byte for byte:
# results must not depend on the number of threads (or on the run).
#   cmake -DEXE=path -DWORK=dir -DID=l1 [-DEXTRA=--precision|exact,fp16] -P same_output.cmake
# EXTRA: more arguments, separated by '|'.
file(REMOVE_RECURSE ${WORK})
string(REPLACE "|" ";" extra "${EXTRA}")
foreach(jobs 1 2)
  execute_process(COMMAND ${EXE} check ${ID} --quiet --jobs ${jobs} --out ${WORK}/out${jobs} --tables ${WORK}/tables${jobs} ${extra}
                  RESULT_VARIABLE code OUTPUT_QUIET)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "check ${ID} --jobs ${jobs} exited ${code}")
  endif()
endforeach()
file(READ ${WORK}/out1/${ID}.jsonl a)
file(READ ${WORK}/out2/${ID}.jsonl b)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "--jobs 1 and --jobs 2 gave different JSON lines")
endif()
file(GLOB tables RELATIVE ${WORK}/tables1 ${WORK}/tables1/*.tex)
foreach(t ${tables})
  file(READ ${WORK}/tables1/${t} x)
  file(READ ${WORK}/tables2/${t} y)
  if(NOT x STREQUAL y)
    message(FATAL_ERROR "table ${t} differs between --jobs 1 and --jobs 2")
  endif()
endforeach()
