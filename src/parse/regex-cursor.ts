/**
 * Finds the matches of one pattern in one big text for a caller that asks with non-decreasing `from`
 * (the parser walks the paste once, front to back): the last search is remembered, so the regex passes
 * over each character about once in total however many lines ask, and a line costs no slice of its own.
 */
export class RegexCursor {
  private readonly pattern: RegExp;
  private searchedFrom = -1;
  private found: RegExpExecArray | null = null;

  /** `source` and `flags` as for RegExp; `g` is added. */
  constructor(
    private readonly text: string,
    source: string,
    flags = '',
  ) {
    this.pattern = new RegExp(source, flags.includes('g') ? flags : `${flags}g`);
  }

  /** The first match starting in [from, limit), or undefined. */
  firstIn(from: number, limit: number): RegExpExecArray | undefined {
    const cacheValid = this.searchedFrom >= 0 && from >= this.searchedFrom && (this.found === null || this.found.index >= from);
    if (!cacheValid) {
      this.pattern.lastIndex = from;
      this.found = this.pattern.exec(this.text);
      this.searchedFrom = from;
    }
    return this.found !== null && this.found.index < limit ? this.found : undefined;
  }
}
