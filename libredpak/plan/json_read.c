/* SPDX-License-Identifier: Apache-2.0 */
/* JSON files through libyaml's document API (json_read.h). */
#include "json_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auto_fd.h"
#include "read_all.h"

int rp_json_load(int dirfd, const char *path, size_t max, yaml_document_t *doc, char *why,
                 size_t why_len)
{
    RP_AUTO_FD int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    RP_AUTO_FREE char *buf = NULL;
    size_t len = 0;
    int r = rp_read_all(fd, max, &buf, &len);
    if (r < 0)
        return r;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return -ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    int ok = yaml_parser_load(&parser, doc);
    if (!ok || !yaml_document_get_root_node(doc)) {
        snprintf(why, why_len, "%s", ok ? "empty" : parser.problem ? parser.problem : "not JSON");
        if (ok)
            yaml_document_delete(doc);
        yaml_parser_delete(&parser);
        return -EINVAL;
    }
    yaml_parser_delete(&parser);
    return 0;
}

yaml_node_t *rp_json_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = rp_json_text(yaml_document_get_node(d, p->key));
        if (k && strcmp(k, key) == 0)
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

const char *rp_json_text(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

size_t rp_json_len(yaml_node_t *seq)
{
    if (!seq || seq->type != YAML_SEQUENCE_NODE)
        return 0;
    return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *rp_json_item(yaml_document_t *d, yaml_node_t *seq, size_t i)
{
    return i < rp_json_len(seq) ? yaml_document_get_node(d, seq->data.sequence.items.start[i])
                                : NULL;
}
