# SPDX-License-Identifier: MIT
# profgen_add_check(NAME PROFILE COMMAND program [args...]
#                   [OPTIONS record-options...] [WORKING_DIRECTORY dir])
#
# Adds the CTest test NAME (label `seccomp`) that runs
#   profgen check PROFILE OPTIONS... -- program args...
# It fails with a readable diff when what the command needs drifted from the committed PROFILE
# (and PROFILE's .caps file), and with the command's own status when the command fails. PROFILE
# is relative to the calling CMakeLists.txt; `program` may be a target of the project.
#   PROFGEN_UPDATE=1 ctest -L seccomp     re-records the profiles (review and commit the diff)
# profgen is looked up on PATH unless PROFGEN_EXECUTABLE is set.
include_guard(GLOBAL)
find_program(PROFGEN_EXECUTABLE profgen)

function(profgen_add_check name profile)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "WORKING_DIRECTORY" "COMMAND;OPTIONS")
  if(arg_UNPARSED_ARGUMENTS OR NOT arg_COMMAND)
    message(FATAL_ERROR "profgen_add_check(${name}): usage: profgen_add_check(NAME PROFILE "
                        "COMMAND program [args...] [OPTIONS ...] [WORKING_DIRECTORY dir])")
  endif()
  # A silently skipped check would let drift through CI: no profgen is an error.
  if(NOT PROFGEN_EXECUTABLE)
    message(FATAL_ERROR "profgen_add_check(${name}): profgen not found; install it or set "
                        "PROFGEN_EXECUTABLE")
  endif()
  cmake_path(ABSOLUTE_PATH profile BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
  list(POP_FRONT arg_COMMAND program)
  if(TARGET "${program}")
    set(program "$<TARGET_FILE:${program}>")
  endif()
  if(NOT arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  add_test(NAME ${name}
           COMMAND "${PROFGEN_EXECUTABLE}" check "${profile}" ${arg_OPTIONS} -- "${program}"
                   ${arg_COMMAND}
           WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  set_tests_properties(${name} PROPERTIES LABELS seccomp)
endfunction()
