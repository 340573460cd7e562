/**
 * Elements on the test page with the node ids a recorder would give them, for tests of code
 * that finds page nodes by rrweb id (remote control, the privacy scrub).
 */

/** A page's nodes by id; `add` parses one element into the body under an id. */
export class PageNodes {
  private readonly nodes = new Map<number, Node>();

  /** Finds a node by id, like rrweb's mirror. */
  readonly find = (id: number): Node | null => this.nodes.get(id) ?? null;

  /** Parses `html` (one element), appends it to the body and gives it `id`. */
  add(id: number, html: string): HTMLElement {
    const holder = document.createElement('div');
    holder.innerHTML = html;
    const element = holder.firstElementChild as HTMLElement;
    document.body.appendChild(element);
    this.nodes.set(id, element);
    return element;
  }

  /** Gives an existing node an id. */
  set(id: number, node: Node): void {
    this.nodes.set(id, node);
  }

  /** Empties the page and forgets every id. */
  clear(): void {
    document.body.innerHTML = '';
    this.nodes.clear();
  }
}
