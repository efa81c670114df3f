/*
 * The floor for the Trellis build benchmark: cmark-gfm alone.
 *
 *     floor INPUT_DIR OUTPUT_DIR
 *
 * For every *.md file in INPUT_DIR (sorted by name), single-threaded: read it, parse it
 * with the same options and extensions Trellis uses (table, strikethrough, autolink,
 * tagfilter, tasklist; CMARK_OPT_FOOTNOTES; no CMARK_OPT_UNSAFE), render HTML, and write
 * OUTPUT_DIR/<name>.html. One parser per file, as a site generator must do.
 *
 * Build: cc -O2 floor.c -o floor $(pkg-config --cflags --libs libcmark-gfm) -lcmark-gfm-extensions
 */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *extension_names[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    size_t capacity = 16384, used = 0;
    char *buffer = malloc(capacity);
    size_t n;
    while ((n = fread(buffer + used, 1, capacity - used, file)) > 0) {
        used += n;
        if (used == capacity) buffer = realloc(buffer, capacity *= 2);
    }
    fclose(file);
    *length = used;
    return buffer;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s INPUT_DIR OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    const char *input = argv[1], *output = argv[2];
    if (mkdir(output, 0755) != 0 && errno != EEXIST) {
        perror(output);
        return 1;
    }

    DIR *dir = opendir(input);
    if (!dir) {
        perror(input);
        return 1;
    }
    size_t count = 0, capacity = 1024;
    char **names = malloc(capacity * sizeof *names);
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        size_t len = strlen(entry->d_name);
        if (len > 3 && strcmp(entry->d_name + len - 3, ".md") == 0) {
            if (count == capacity) names = realloc(names, (capacity *= 2) * sizeof *names);
            names[count++] = strdup(entry->d_name);
        }
    }
    closedir(dir);
    qsort(names, count, sizeof *names, by_name);

    cmark_gfm_core_extensions_ensure_registered();
    const int options = CMARK_OPT_FOOTNOTES;
    size_t total_in = 0, total_out = 0;
    char path[4096];

    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/%s", input, names[i]);
        size_t length;
        char *markdown = read_file(path, &length);
        if (!markdown) {
            perror(path);
            return 1;
        }
        cmark_parser *parser = cmark_parser_new(options);
        for (size_t e = 0; e < sizeof extension_names / sizeof *extension_names; e++) {
            cmark_syntax_extension *extension = cmark_find_syntax_extension(extension_names[e]);
            if (extension) cmark_parser_attach_syntax_extension(parser, extension);
        }
        cmark_parser_feed(parser, markdown, length);
        cmark_node *root = cmark_parser_finish(parser);
        char *html = cmark_render_html(root, options, cmark_parser_get_syntax_extensions(parser));

        size_t name_length = strlen(names[i]);
        snprintf(path, sizeof path, "%s/%.*s.html", output, (int)(name_length - 3), names[i]);
        FILE *out = fopen(path, "wb");
        if (!out) {
            perror(path);
            return 1;
        }
        size_t html_length = strlen(html);
        fwrite(html, 1, html_length, out);
        fclose(out);

        total_in += length;
        total_out += html_length;
        free(html);
        cmark_node_free(root);
        cmark_parser_free(parser);
        free(markdown);
        free(names[i]);
    }
    free(names);
    printf("floor: %zu files, %zu bytes of Markdown -> %zu bytes of HTML\n", count, total_in, total_out);
    return 0;
}
