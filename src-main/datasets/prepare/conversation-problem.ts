/**
 * Why one row cannot become a training example (the template refuses it, it has nothing to
 * learn from…). Preparing reports the row by its line with this reason and keeps the others;
 * only problems with the whole preparation are `LatheError`s.
 */
export class ConversationProblem extends Error {
  override readonly name = 'ConversationProblem';
}
