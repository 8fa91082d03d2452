# SPDX-License-Identifier: Apache-2.0
# Turns the JSON Schema into a C string, so `rednode-config schema` prints
# exactly the schema the tests check, wherever the binary is installed.
file(READ ${INPUT} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," content "${content}")
file(WRITE ${OUTPUT} "const char rednode_schema_json[] = {${content} 0x00};\n")
