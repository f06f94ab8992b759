/* Container names: validation and Docker-like generated names
 * (adjective_surname of a scientist). */
#include "mocker/container/names.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "common/util.h"

static const char *const adjectives[] = {
  "admiring", "agitated", "amazing", "awesome", "blissful", "bold", "brave", "busy",
  "charming", "clever", "compassionate", "confident", "cool", "dazzling", "determined",
  "eager", "ecstatic", "elegant", "epic", "festive", "focused", "friendly", "gallant",
  "gifted", "goofy", "gracious", "happy", "hopeful", "inspiring", "jolly", "keen", "kind",
  "laughing", "loving", "lucid", "magical", "modest", "nice", "nifty", "nostalgic",
  "objective", "optimistic", "peaceful", "pensive", "practical", "quirky", "relaxed",
  "romantic", "serene", "sharp", "stoic", "sweet", "tender", "trusting", "upbeat",
  "vibrant", "vigilant", "wizardly", "wonderful", "youthful", "zealous", "zen",
};

static const char *const surnames[] = {
  "agnesi", "albattani", "allen", "archimedes", "babbage", "banach", "bardeen", "bell",
  "bohr", "boole", "cannon", "cerf", "curie", "darwin", "dijkstra", "einstein", "euclid",
  "euler", "fermat", "feynman", "franklin", "galileo", "gauss", "goldberg", "hamilton",
  "hawking", "hertz", "hodgkin", "hopper", "hypatia", "johnson", "kepler", "knuth",
  "lamarr", "leakey", "lovelace", "mayer", "mcclintock", "meitner", "mendel", "morse",
  "newton", "noether", "pascal", "pasteur", "perlman", "planck", "ritchie", "shannon",
  "sinoussi", "tesla", "thompson", "torvalds", "turing", "wilson", "wozniak", "yalow",
};

bool
ctr_name_valid (const char *name)
{
  /* Docker's [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
  size_t n = strlen (name);
  if (n < 2 || n > 128)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      char c = name[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
        return false;
    }
  return true;
}

char *
ctr_name_generate (unsigned attempt)
{
  unsigned r[3] = { 0, 0, 0 };
  if (getrandom (r, sizeof r, 0) < 0)
    r[0] = r[1] = r[2] = attempt;
  const char *a = adjectives[r[0] % ARRAY_SIZE (adjectives)];
  const char *s = surnames[r[1] % ARRAY_SIZE (surnames)];
  /* After a few collisions, add a digit as Docker does. */
  if (attempt >= 3)
    return xasprintf ("%s_%s%u", a, s, r[2] % 10);
  return xasprintf ("%s_%s", a, s);
}
