# mlops_add_test(NAME SOURCES src... [LIBS lib...] [LABELS label...] [TIMEOUT s])
#
# One line registers a test executable with ctest. Unit tests link cmocka.
function(mlops_add_test name)
	cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
	if(NOT T_TIMEOUT)
		set(T_TIMEOUT 120)
	endif()
	add_executable(${name} ${T_SOURCES})
	target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
	target_include_directories(${name} PRIVATE
	    ${PROJECT_SOURCE_DIR}/tests/unit)
	target_compile_definitions(${name} PRIVATE
	    MLOPS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
	    MLOPS_FIXTURES="${PROJECT_SOURCE_DIR}/tests/fixtures")
	add_test(NAME ${name} COMMAND ${name})
	set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
	    LABELS "${T_LABELS}"
	    ENVIRONMENT "TZ=UTC;LC_ALL=C;CMOCKA_MESSAGE_OUTPUT=stdout")
endfunction()

# mlops_add_script_test(NAME SCRIPT path [LABELS ...] [TIMEOUT s]
#                       [ENV VAR=VALUE ...])
#
# A shell-driven integration test; it gets the build dir and the binaries
# through the environment, plus the ENV entries.
function(mlops_add_script_test name)
	cmake_parse_arguments(T "" "SCRIPT;TIMEOUT" "LABELS;ENV" ${ARGN})
	if(NOT T_TIMEOUT)
		set(T_TIMEOUT 300)
	endif()
	add_test(NAME ${name} COMMAND bash ${T_SCRIPT})
	set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
	    LABELS "${T_LABELS}"
	    ENVIRONMENT "TZ=UTC;LC_ALL=C;MLOPS_BUILD_DIR=${PROJECT_BINARY_DIR};MLOPS_SOURCE_DIR=${PROJECT_SOURCE_DIR};MLOPSD=$<TARGET_FILE:mlopsd>;MLOPS=$<TARGET_FILE:mlops>;MLOPS_STRESS=$<TARGET_FILE:mlops_stress>;${T_ENV}")
endfunction()
