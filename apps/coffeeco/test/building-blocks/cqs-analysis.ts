import { basename } from 'node:path';
import ts from 'typescript';

/**
 * Static checks of command–query separation (B.2) with the TypeScript compiler API, over a program's source
 * files. Kept general: it reads whatever modules exist, so a module that lands later is checked too.
 */

/** A member of an exported surface (interface, type, class, or what a factory returns) that can be called. */
export interface Operation {
  /** Every name it is reached by: `Surface.member` (an interface that extends another gives both). */
  readonly keys: readonly string[];
  readonly file: string;
  readonly kind: 'command' | 'query';
  readonly returns: string;
}

/** Names that ask a question, camelCase or PascalCase: `get`, `findByUserID`, `IsUserSubscriptionActive`, `ownerOf`… */
const QUERY_WORDS = [
  'get',
  'find',
  'list',
  'search',
  'count',
  'is',
  'has',
  'can',
  'of',
  'owner',
  'lookup',
  'read',
  'view',
  'load',
  'fetch',
  'page',
  'exists',
  'total',
];
const QUERY_NAME = new RegExp(
  `^(${[...QUERY_WORDS, ...QUERY_WORDS.map((word) => word[0]!.toUpperCase() + word.slice(1))].join('|')})(?![a-z])`,
);
/**
 * Not what the application offers its callers: what a factory needs (dependencies, settings), and the driven
 * ports it calls (repositories, views, outboxes), whose own rules are the repositories'.
 */
const NOT_A_SURFACE = /(Dependencies|Deps|Options|Settings|Repository|Repositories|Views|Outbox)$/;

const isExported = (node: ts.Node) =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

function kindOf(surface: string, file: string, member: string, signature: ts.Signature, returns: string) {
  const name = basename(file, '.ts');
  if (/Queries$/.test(surface) || /quer/i.test(name)) return 'query';
  if (/(Commands|CommandHandlers|AppService|ApplicationService)$/.test(surface) || /command/i.test(name)) {
    return 'command';
  }
  if (QUERY_NAME.test(member)) return 'query';
  // A getter: nothing to act on, something to answer.
  if (signature.parameters.length === 0 && returns !== 'void' && returns !== 'Promise<void>') return 'query';
  return 'command';
}

/** The exported surfaces of `files` and their callable members, each classified as a command or a query. */
export function operationsOf(program: ts.Program, files: readonly string[]): Operation[] {
  const checker = program.getTypeChecker();
  const byDeclaration = new Map<
    ts.Node,
    { keys: Set<string>; file: string; kind: Operation['kind']; returns: string }
  >();
  const visit = (surface: string, type: ts.Type, at: ts.Node, file: string) => {
    // Objects only: a union of string literals is not a surface, whatever methods String has.
    if (NOT_A_SURFACE.test(surface) || !(type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)))
      return;
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      // What the standard library or a dependency declares is theirs, not the application's.
      if (!declaration || declaration.getSourceFile().isDeclarationFile) continue;
      const signatures = checker.getTypeOfSymbolAtLocation(property, at).getCallSignatures();
      for (const signature of signatures) {
        const returns = checker.typeToString(checker.getReturnTypeOfSignature(signature));
        const owner = ts.findAncestor(
          declaration.parent,
          (n) => ts.isInterfaceDeclaration(n) || ts.isClassDeclaration(n),
        );
        const keys = [`${surface}.${property.name}`];
        const ownerName = owner && (owner as ts.InterfaceDeclaration | ts.ClassDeclaration).name?.text;
        if (ownerName && ownerName !== surface) keys.push(`${ownerName}.${property.name}`);
        const entry = byDeclaration.get(declaration) ?? {
          keys: new Set<string>(),
          file,
          kind: kindOf(surface, file, property.name, signature, returns),
          returns,
        };
        for (const key of keys) entry.keys.add(key);
        byDeclaration.set(declaration, entry);
      }
    }
  };
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is not in the program`);
    for (const statement of source.statements) {
      if (!isExported(statement)) continue;
      if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
        visit(statement.name.text, checker.getTypeAtLocation(statement.name), statement, file);
      } else if (ts.isClassDeclaration(statement) && statement.name) {
        const symbol = checker.getSymbolAtLocation(statement.name);
        if (symbol) visit(statement.name.text, checker.getDeclaredTypeOfSymbol(symbol), statement, file);
      } else if (
        ts.isFunctionDeclaration(statement) &&
        statement.name &&
        /^create/.test(statement.name.text)
      ) {
        for (const signature of checker.getTypeAtLocation(statement.name).getCallSignatures()) {
          visit(statement.name.text, checker.getReturnTypeOfSignature(signature), statement, file);
        }
      } else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (!ts.isIdentifier(declaration.name) || !/^create/.test(declaration.name.text)) continue;
          for (const signature of checker.getTypeAtLocation(declaration.name).getCallSignatures()) {
            visit(declaration.name.text, checker.getReturnTypeOfSignature(signature), statement, file);
          }
        }
      }
    }
  }
  return [...byDeclaration.values()].map(({ keys, ...rest }) => ({ keys: [...keys], ...rest }));
}

/**
 * CQRS-5: the book's "do not" (`Command(ctx, args ...interface{})`): an exported type with a method that takes
 * any number of untyped arguments. Answers `File: Surface.method` for each.
 */
export function untypedVariadics(program: ts.Program, files: readonly string[]): string[] {
  const checker = program.getTypeChecker();
  const found: string[] = [];
  const untypedArray = (type: ts.Type) => {
    const element =
      checker.isArrayType(type) || checker.isTupleType(type)
        ? checker.getTypeArguments(type as ts.TypeReference)[0]
        : undefined;
    return element !== undefined && (element.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
  };
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is not in the program`);
    const visit = (node: ts.Node, surface: string | undefined) => {
      if (
        (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node) || ts.isTypeAliasDeclaration(node)) &&
        node.name
      ) {
        surface = isExported(node) ? node.name.text : undefined;
      }
      if (
        surface &&
        ts.isParameter(node) &&
        node.dotDotDotToken &&
        untypedArray(checker.getTypeAtLocation(node))
      ) {
        const member = ts.findAncestor(
          node,
          (n) => ts.isMethodSignature(n) || ts.isMethodDeclaration(n) || ts.isPropertySignature(n),
        );
        const name = member && (member as ts.MethodSignature).name?.getText(source);
        found.push(`${basename(file)}: ${surface}.${name ?? '(call)'}`);
      }
      ts.forEachChild(node, (child) => visit(child, surface));
    };
    visit(source, undefined);
  }
  return found;
}

/** A program of in-memory files (for checking that the checks can fail), with the real standard library. */
export function programOf(files: Record<string, string>): ts.Program {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    noEmit: true,
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) =>
    name in files ? ts.createSourceFile(name, files[name]!, language) : read(name, language);
  host.fileExists = (
    (exists) => (name: string) =>
      name in files || exists(name)
  )(host.fileExists.bind(host));
  return ts.createProgram(Object.keys(files), options, host);
}
