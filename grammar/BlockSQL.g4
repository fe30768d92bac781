// BlockSQL: the SQL dialect BlockDB accepts, PostgreSQL 15's grammar restricted to what an
// append-only ledger database and its clients need. Generated into the build tree at build time
// (see grammar/README.md); the parser in src/sql/ turns the parse tree into BlockDB's own AST.
// docs/SQL.md is the reference for what parses and what is rejected.
//
// Layout follows PostgreSQL's gram.y where it matters for compatibility:
//  - operator precedence (from loosest): OR, AND, NOT, IS/ISNULL/NOTNULL, comparisons,
//    LIKE/ILIKE/SIMILAR/BETWEEN/IN, other operators (||, ~, OPERATOR(...)), + -, * / %, ^,
//    AT TIME ZONE, COLLATE, unary + -, [] subscripts, :: casts. `expr` holds the boolean layer and
//    `valueExpr` everything that binds tighter (PostgreSQL's b_expr), so BETWEEN's bounds and the
//    right side of LIKE/IN cannot swallow an AND.
//  - keywords fall into PostgreSQL's four categories (unreserved, column name, type/function
//    name, reserved) plus the bare-label flag, so words such as name, type, key, value, level,
//    data, timestamp, user (after AS) stay usable as identifiers exactly where PostgreSQL allows.
//  - statements BlockDB never executes in full (UPDATE, DELETE, DROP, ALTER, GRANT...) are parsed
//    only far enough to know the kind and the target; the rest is `looseTail`.
grammar BlockSQL;

@lexer::members {
  // Dollar-quoted strings close with the same tag they opened with, which a lexer rule cannot
  // express: DOLLAR_STRING matches the opening tag and this action consumes the body and the
  // closing tag. At end of input the token becomes UNTERMINATED.
  void ConsumeDollarQuotedBody() {
    const size_t tag_length = _input->index() - tokenStartCharIndex;
    std::vector<size_t> tag;
    for (size_t i = tag_length; i > 0; --i) {
      tag.push_back(_input->LA(-static_cast<ssize_t>(i)));
    }
    auto* simulator = getInterpreter<antlr4::atn::LexerATNSimulator>();
    while (_input->LA(1) != antlr4::Token::EOF) {
      bool closing = true;
      for (size_t i = 0; i < tag_length && closing; ++i) {
        closing = _input->LA(static_cast<ssize_t>(i) + 1) == tag[i];
      }
      if (closing) {
        for (size_t i = 0; i < tag_length; ++i) {
          simulator->consume(_input);
        }
        return;
      }
      simulator->consume(_input);
    }
    setType(UNTERMINATED);
  }

  // Block comments nest in PostgreSQL (/* a /* b */ c */ is one comment), which needs a counter.
  // A comment still open at end of input becomes an UNTERMINATED token the parser rejects.
  void ConsumeBlockComment() {
    auto* simulator = getInterpreter<antlr4::atn::LexerATNSimulator>();
    int depth = 1;
    while (_input->LA(1) != antlr4::Token::EOF) {
      if (_input->LA(1) == '/' && _input->LA(2) == '*') {
        simulator->consume(_input);
        simulator->consume(_input);
        ++depth;
      } else if (_input->LA(1) == '*' && _input->LA(2) == '/') {
        simulator->consume(_input);
        simulator->consume(_input);
        if (--depth == 0) {
          setChannel(antlr4::Token::HIDDEN_CHANNEL);
          return;
        }
      } else {
        simulator->consume(_input);
      }
    }
    setType(UNTERMINATED);
  }
}

// ============================================================================ script, statements

script: statement? (SEMI statement?)* EOF;

statement
  : queryStatement
  | insertStmt
  | createTableStmt
  | createIndexStmt
  | createRoleStmt
  | updateStmt
  | deleteStmt
  | truncateStmt
  | dropStmt
  | alterStmt
  | mergeStmt
  | grantStmt
  | revokeStmt
  | commentStmt
  | vacuumStmt
  | analyzeStmt
  | transactionStmt
  | setStmt
  | showStmt
  | resetStmt
  | deallocateStmt
  | discardStmt
  | prepareStmt
  | executeStmt
  | explainStmt
  | declareCursorStmt
  | fetchStmt
  | closeStmt
  | copyStmt
  | listenStmt
  | unlistenStmt
  | notifyStmt
  | verifyChainStmt
  ;

// Statements that PREPARE, EXPLAIN and COPY (...) TO accept.
preparableStmt: queryStatement | insertStmt | updateStmt | deleteStmt | mergeStmt;

// Everything up to the end of the statement, for statements parsed only for kind and target.
looseTail: looseToken*;
looseToken
  : ~(SEMI | ERROR_CHAR | UNTERMINATED | NUMERIC_JUNK)
  ;

// ============================================================================ queries

queryStatement: queryExpression;

queryExpression: withClause? queryBody orderByClause? queryModifier*;

// LIMIT, OFFSET, FETCH and FOR UPDATE in any order; the AST builder rejects repeats.
queryModifier: limitClause | offsetClause | lockingClause;

// INTERSECT binds tighter than UNION and EXCEPT; all are left-associative. Written as loops
// rather than left recursion so a long UNION ALL chain gives a flat parse tree.
queryBody: queryTerm (setOperator queryTerm)*;
queryTerm: queryPrimary (intersectOperator queryPrimary)*;
setOperator: op=(UNION_ | EXCEPT_) setQuantifier?;
intersectOperator: INTERSECT_ setQuantifier?;
setQuantifier: ALL_ | DISTINCT_;

queryPrimary
  : keywordQueryPrimary
  | LPAREN queryExpression RPAREN
  ;
keywordQueryPrimary: simpleSelect | valuesClause | TABLE_ relationExpr;

// A query that does not start with "(", for the scalar subquery "(SELECT ...)" in expressions.
// There "(" may also open a parenthesized expression, and telling ((SELECT 1) UNION ...) from
// ((1)) apart would need lookahead to the matching ")" at every nesting level: quadratic time on
// nested parentheses. docs/SQL.md lists the one form this leaves out.
keywordQueryExpression
  : withClause queryBody orderByClause? queryModifier*
  | keywordQueryBody orderByClause? queryModifier*
  ;
keywordQueryBody: keywordQueryTerm (setOperator queryTerm)*;
keywordQueryTerm: keywordQueryPrimary (intersectOperator queryPrimary)*;

// DISTINCT needs a target list; plain SELECT may have none (SELECT FROM t is valid PostgreSQL).
simpleSelect
  : SELECT_ (distinctClause targetList | ALL_? targetList?) fromClause? whereClause?
    groupByClause? havingClause? windowClause?
  ;

distinctClause: DISTINCT_ (ON_ LPAREN exprList RPAREN)?;

targetList: targetItem (COMMA targetItem)*;

targetItem
  : STAR                                                                 # starTarget
  | expr (AS_ colLabel | bareColLabel)?                                  # exprTarget
  ;

fromClause: FROM_ fromItem (COMMA fromItem)*;
whereClause: WHERE_ expr;
groupByClause: GROUP_ BY_ setQuantifier? groupItem (COMMA groupItem)*;
groupItem: LPAREN RPAREN | expr;
havingClause: HAVING_ expr;
windowClause: WINDOW_ windowDefinition (COMMA windowDefinition)*;
windowDefinition: colId AS_ LPAREN windowSpec RPAREN;

valuesClause: VALUES_ valuesRow (COMMA valuesRow)*;
valuesRow: LPAREN exprOrDefault (COMMA exprOrDefault)* RPAREN;
exprOrDefault: DEFAULT_ | expr;

withClause: WITH_ RECURSIVE_? commonTableExpr (COMMA commonTableExpr)*;
commonTableExpr
  : colId (LPAREN nameList RPAREN)? AS_ (NOT_? MATERIALIZED_)? LPAREN queryExpression RPAREN
  ;

orderByClause: ORDER_ BY_ sortItem (COMMA sortItem)*;
sortItem: expr (ASC_ | DESC_ | USING_ qualAllOp)? (NULLS_ (FIRST_ | LAST_))?;

limitClause
  : LIMIT_ (ALL_ | expr)
  | FETCH_ (FIRST_ | NEXT_) fetchCount? (ROW_ | ROWS_) (ONLY_ | WITH_ TIES_)
  ;
fetchCount: valueExpr;
offsetClause: OFFSET_ expr (ROW_ | ROWS_)?;
lockingClause
  : FOR_ (UPDATE_ | NO_ KEY_ UPDATE_ | SHARE_ | KEY_ SHARE_)
    (OF_ qualifiedName (COMMA qualifiedName)*)? (NOWAIT_ | SKIP_ LOCKED_)?
  | FOR_ READ_ ONLY_
  ;

// ---------------------------------------------------------------------------- FROM

fromItem
  : fromPrimary                                                          # primaryFrom
  | fromItem CROSS_ JOIN_ fromPrimary                                    # crossJoin
  | fromItem NATURAL_ joinType? JOIN_ fromPrimary                        # naturalJoin
  | fromItem joinType? JOIN_ fromPrimary joinQual                        # qualifiedJoin
  ;

fromPrimary
  : relationExpr asOfClause? tableAlias?                                 # tableFrom
  | LATERAL_? LPAREN queryExpression RPAREN tableAlias?                  # subqueryFrom
  | LATERAL_? (functionCall | specialFunction) (WITH_ ORDINALITY_)? tableAlias?  # functionFrom
  | LPAREN fromItem RPAREN tableAlias?                                   # parenFrom
  ;

relationExpr
  : qualifiedName STAR?
  | ONLY_ qualifiedName
  | ONLY_ LPAREN qualifiedName RPAREN
  ;

// BlockDB's time travel: the table as it was when block n was sealed.
asOfClause: AS_ OF_ BLOCK_ valueExpr;

tableAlias: AS_? colId (LPAREN nameList RPAREN)?;

joinType: INNER_ | (LEFT_ | RIGHT_ | FULL_) OUTER_?;
joinQual: ON_ expr | USING_ LPAREN nameList RPAREN (AS_ colId)?;

// ============================================================================ expressions

exprList: expr (COMMA expr)*;

// The boolean layer. Alternatives are listed from the tightest to the loosest binding.
expr
  : valueExpr                                                            # valueExpression
  | expr NOT_? op=(LIKE_ | ILIKE_) pattern=valueExpr (ESCAPE_ escape=valueExpr)?  # likeExpression
  | expr NOT_? op=SIMILAR_ TO_ pattern=valueExpr (ESCAPE_ escape=valueExpr)?  # similarExpression
  | expr NOT_? op=BETWEEN_ (SYMMETRIC_ | ASYMMETRIC_)? low=valueExpr AND_ high=valueExpr
                                                                         # betweenExpression
  | expr NOT_? op=IN_ LPAREN (queryExpression | exprList) RPAREN         # inExpression
  | expr subqueryOp quantifier=(ANY_ | SOME_ | ALL_)
    LPAREN (queryExpression | expr) RPAREN                               # quantifiedExpression
  | expr compOp expr                                                     # comparisonExpression
  | expr IS_ NOT_? DISTINCT_ FROM_ expr                                  # distinctFromExpression
  | expr IS_ NOT_? (NULL_ | TRUE_ | FALSE_ | UNKNOWN_)                   # isExpression
  | expr (ISNULL_ | NOTNULL_)                                            # nullTestExpression
  | NOT_ expr                                                            # notExpression
  | expr AND_ expr                                                       # andExpression
  | expr OR_ expr                                                        # orExpression
  ;

// Everything that binds tighter than LIKE, from the tightest to the loosest.
valueExpr
  : primaryExpr                                                          # primaryValue
  | valueExpr TYPECAST typeName                                          # castValue
  | valueExpr LBRACKET subscript RBRACKET                                # subscriptValue
  | op=(MINUS | PLUS) valueExpr                                          # unaryValue
  | valueExpr COLLATE_ anyName                                           # collateValue
  | valueExpr AT_ TIME_ ZONE_ valueExpr                                  # atTimeZoneValue
  | valueExpr CARET valueExpr                                            # powerValue
  | valueExpr op=(STAR | SLASH | PERCENT) valueExpr                      # multiplicativeValue
  | valueExpr op=(PLUS | MINUS) valueExpr                                # additiveValue
  | valueExpr qualOp valueExpr                                           # operatorValue
  | qualOp valueExpr                                                     # prefixOperatorValue
  ;

subscript: lower=expr (COLON upper=expr?)? | COLON upper=expr?;

primaryExpr
  : literal                                                              # literalPrimary
  | PARAM                                                                # paramPrimary
  | typedLiteral                                                         # typedLiteralPrimary
  | LPAREN keywordQueryExpression RPAREN                                 # subqueryPrimary
  | EXISTS_ LPAREN queryExpression RPAREN                                # existsPrimary
  | ARRAY_ LPAREN queryExpression RPAREN                                 # arraySubqueryPrimary
  | ARRAY_ arrayBrackets                                                 # arrayPrimary
  | ROW_ LPAREN exprList? RPAREN                                         # rowPrimary
  | LPAREN expr (COMMA exprList)? RPAREN fieldSelection*                 # parenPrimary
  | CASE_ arg=expr? whenClause+ (ELSE_ elseResult=expr)? END_            # casePrimary
  | CAST_ LPAREN expr AS_ typeName RPAREN                                # castPrimary
  | specialFunction                                                      # specialFunctionPrimary
  | functionCall                                                         # functionPrimary
  | columnRef                                                            # columnPrimary
  ;

fieldSelection: DOT (colLabel | STAR);

arrayBrackets
  : LBRACKET RBRACKET
  | LBRACKET exprList RBRACKET
  | LBRACKET arrayBrackets (COMMA arrayBrackets)* RBRACKET
  ;

whenClause: WHEN_ expr THEN_ expr;

columnRef: colId (DOT (colLabel | STAR))*;

literal
  : INTEGER_LITERAL
  | NUMERIC_LITERAL
  | stringLiteral
  | BIT_STRING_LITERAL
  | HEX_STRING_LITERAL
  | TRUE_
  | FALSE_
  | NULL_
  ;

stringLiteral: STRING_LITERAL | ESCAPE_STRING_LITERAL | DOLLAR_STRING | UNICODE_ESCAPE_LITERAL;

typedLiteral
  : constTypeName stringLiteral                                          # constTypedLiteral
  | NATIONAL_STRING_LITERAL                                              # nationalLiteral
  | INTERVAL_ stringLiteral intervalQualifier?                           # intervalLiteral
  | INTERVAL_ LPAREN INTEGER_LITERAL RPAREN stringLiteral                # intervalPrecisionLiteral
  | funcName stringLiteral                                               # genericTypedLiteral
  ;

specialFunction
  : CURRENT_DATE_                                                        # currentDateFunction
  | op=(CURRENT_TIME_ | CURRENT_TIMESTAMP_ | LOCALTIME_ | LOCALTIMESTAMP_)
    (LPAREN INTEGER_LITERAL RPAREN)?                                     # currentTimeFunction
  | op=(CURRENT_ROLE_ | CURRENT_USER_ | SESSION_USER_ | USER_ | CURRENT_CATALOG_
        | CURRENT_SCHEMA_)                                               # sqlValueFunction
  | EXTRACT_ LPAREN extractField FROM_ expr RPAREN                       # extractFunction
  | SUBSTRING_ LPAREN (expr substringArgs)? RPAREN                       # substringFunction
  | POSITION_ LPAREN valueExpr IN_ valueExpr RPAREN                      # positionFunction
  | TRIM_ LPAREN trimSide=(BOTH_ | LEADING_ | TRAILING_)?
    (FROM_ exprList | expr (FROM_ exprList | (COMMA expr)*)) RPAREN      # trimFunction
  | OVERLAY_ LPAREN expr (overlayArgs | (COMMA expr)*) RPAREN            # overlayFunction
  | name=(COALESCE_ | GREATEST_ | LEAST_ | NULLIF_) LPAREN exprList RPAREN  # keywordFunction
  ;

// The alternatives of these special forms share their first argument so that choosing between
// them needs one token of lookahead, not a scan over the argument.
substringArgs
  : FROM_ from=expr (FOR_ for_=expr)?
  | FOR_ for_=expr (FROM_ from=expr)?
  | (COMMA expr)*
  ;
overlayArgs: PLACING_ expr FROM_ expr (FOR_ expr)?;

extractField
  : identifier | YEAR_ | MONTH_ | DAY_ | HOUR_ | MINUTE_ | SECOND_ | stringLiteral
  ;

functionCall
  : funcName LPAREN functionArgs? RPAREN withinGroupClause? filterClause? overClause?
  ;

functionArgs
  : STAR                                                                 # starArgs
  | setQuantifier? functionArg (COMMA functionArg)* orderByClause?       # listArgs
  ;

// VARIADIC is accepted on the last argument only (checked by the AST builder).
functionArg: VARIADIC_? (typeFuncName (COLON_EQUALS | EQUALS_GREATER))? expr;

withinGroupClause: WITHIN_ GROUP_ LPAREN orderByClause RPAREN;
filterClause: FILTER_ LPAREN WHERE_ expr RPAREN;
overClause: OVER_ (colId | LPAREN windowSpec RPAREN);

windowSpec: colId? (PARTITION_ BY_ exprList)? orderByClause? frameClause?;

frameClause
  : frameMode=(RANGE_ | ROWS_ | GROUPS_) (frameBound | BETWEEN_ frameBound AND_ frameBound)
    frameExclusion?
  ;
frameBound
  : UNBOUNDED_ (PRECEDING_ | FOLLOWING_)
  | CURRENT_ ROW_
  | valueExpr (PRECEDING_ | FOLLOWING_)
  ;
frameExclusion: EXCLUDE_ (CURRENT_ ROW_ | GROUP_ | TIES_ | NO_ OTHERS_);

// ---------------------------------------------------------------------------- operators

compOp: EQ | NOT_EQUALS | BANG_EQUALS | LT | LESS_EQUALS | GT | GREATER_EQUALS;

// Operators at PostgreSQL's "any other operator" precedence.
qualOp
  : OPERATOR_ LPAREN anyOperator RPAREN
  | CONCAT | TILDE | NOT_TILDE | TILDE_STAR | NOT_TILDE_STAR | OTHER_OP
  ;

// Operators allowed before ANY/ALL/SOME.
subqueryOp: compOp | qualAllOp | NOT_? (LIKE_ | ILIKE_);

qualAllOp: OPERATOR_ LPAREN anyOperator RPAREN | allOp;

anyOperator: (colId DOT)* allOp;

allOp
  : PLUS | MINUS | STAR | SLASH | PERCENT | CARET | EQ | NOT_EQUALS | BANG_EQUALS | LT
  | LESS_EQUALS | GT | GREATER_EQUALS | CONCAT | TILDE | NOT_TILDE | TILDE_STAR | NOT_TILDE_STAR
  | OTHER_OP
  ;

// ============================================================================ types

typeName
  : simpleTypeName arrayBounds?
  ;

arrayBounds
  : (LBRACKET INTEGER_LITERAL? RBRACKET)+
  | ARRAY_ (LBRACKET INTEGER_LITERAL RBRACKET)?
  ;

simpleTypeName
  : constTypeName                                                        # constType
  | INTERVAL_ intervalQualifier?                                         # intervalType
  | INTERVAL_ LPAREN INTEGER_LITERAL RPAREN                              # intervalPrecisionType
  | typeFuncName (DOT colLabel)* typeModifiers?                          # genericType
  ;

// Types spelled with SQL keywords (they may also prefix a string literal: TIMESTAMP '...').
constTypeName
  : INT_                                                                 # intType
  | INTEGER_                                                             # integerType
  | SMALLINT_                                                            # smallintType
  | BIGINT_                                                              # bigintType
  | REAL_                                                                # realType
  | FLOAT_ (LPAREN INTEGER_LITERAL RPAREN)?                              # floatType
  | DOUBLE_ PRECISION_                                                   # doubleType
  | (DECIMAL_ | DEC_ | NUMERIC_) typeModifiers?                          # numericType
  | BOOLEAN_                                                             # booleanType
  | BIT_ VARYING_? (LPAREN INTEGER_LITERAL RPAREN)?                      # bitType
  | (CHARACTER_ VARYING_? | CHAR_ VARYING_? | VARCHAR_)
    (LPAREN INTEGER_LITERAL RPAREN)?                                     # characterType
  | (TIMESTAMP_ | TIME_) (LPAREN INTEGER_LITERAL RPAREN)?
    (withTz=WITH_ TIME_ ZONE_ | WITHOUT_ TIME_ ZONE_)?                   # datetimeType
  ;

typeModifiers: LPAREN signedInteger (COMMA signedInteger)* RPAREN;
signedInteger: (PLUS | MINUS)? INTEGER_LITERAL;

intervalQualifier
  : YEAR_ | MONTH_ | DAY_ | HOUR_ | MINUTE_ | intervalSecond
  | YEAR_ TO_ MONTH_
  | DAY_ TO_ (HOUR_ | MINUTE_ | intervalSecond)
  | HOUR_ TO_ (MINUTE_ | intervalSecond)
  | MINUTE_ TO_ intervalSecond
  ;
intervalSecond: SECOND_ (LPAREN INTEGER_LITERAL RPAREN)?;

// ============================================================================ names

qualifiedName: colId (DOT colLabel)*;
anyName: colId (DOT colLabel)*;
funcName: typeFuncName | colId (DOT colLabel)+;
nameList: colId (COMMA colId)*;

identifier: IDENTIFIER | QUOTED_IDENTIFIER | unreservedKeyword;
colId: identifier | colNameKeyword;
typeFuncName: identifier | typeFuncNameKeyword;
nonReservedWord: identifier | colNameKeyword | typeFuncNameKeyword;
colLabel: nonReservedWord | reservedKeyword;
bareColLabel: IDENTIFIER | QUOTED_IDENTIFIER | bareLabelKeyword;

// ============================================================================ INSERT

insertStmt
  : withClause? INSERT_ INTO_ qualifiedName (AS_ colId)? (LPAREN insertColumn (COMMA insertColumn)* RPAREN)?
    (OVERRIDING_ (SYSTEM_ | USER_) VALUE_)? insertSource onConflictClause? returningClause?
  ;
insertColumn: colId;
insertSource: DEFAULT_ VALUES_ | queryExpression;

onConflictClause
  : ON_ CONFLICT_ conflictTarget? DO_ NOTHING_
  | ON_ CONFLICT_ conflictTarget? DO_ UPDATE_ SET_ setClause (COMMA setClause)* whereClause?
  ;
conflictTarget
  : LPAREN indexElem (COMMA indexElem)* RPAREN whereClause?
  | ON_ CONSTRAINT_ colId
  ;
setClause
  : colId EQ exprOrDefault
  | LPAREN nameList RPAREN EQ (ROW_? LPAREN exprOrDefault (COMMA exprOrDefault)* RPAREN)
  ;
returningClause: RETURNING_ targetList;

// ============================================================================ DDL BlockDB runs

createTableStmt
  : CREATE_ tableScope? TABLE_ (IF_ NOT_ EXISTS_)? qualifiedName
    LPAREN (tableElement (COMMA tableElement)*)? RPAREN                  # createTable
  | CREATE_ tableScope? TABLE_ (IF_ NOT_ EXISTS_)? qualifiedName (LPAREN nameList RPAREN)?
    AS_ queryExpression (WITH_ NO_? DATA_)?                              # createTableAs
  ;
tableScope: (LOCAL_ | GLOBAL_)? (TEMP_ | TEMPORARY_) | UNLOGGED_;

tableElement: columnDef | tableConstraint;

columnDef: colId typeName columnConstraint*;

columnConstraint
  : (CONSTRAINT_ colId)? columnConstraintBody constraintAttribute*
  ;
columnConstraintBody
  : NOT_ NULL_                                                           # notNullConstraint
  | NULL_                                                                # nullConstraint
  | PRIMARY_ KEY_                                                        # primaryKeyConstraint
  | UNIQUE_                                                              # uniqueConstraint
  | DEFAULT_ valueExpr                                                   # defaultConstraint
  | GENERATED_ (ALWAYS_ | BY_ DEFAULT_) AS_ IDENTITY_
    (LPAREN sequenceOptions RPAREN)?                                     # identityConstraint
  | GENERATED_ ALWAYS_ AS_ LPAREN expr RPAREN STORED_                    # generatedConstraint
  | CHECK_ LPAREN expr RPAREN (NO_ INHERIT_)?                            # checkConstraint
  | REFERENCES_ qualifiedName (LPAREN nameList RPAREN)? referenceOption* # referencesConstraint
  | COLLATE_ anyName                                                     # collateConstraint
  ;
sequenceOptions: (~(LPAREN | RPAREN | SEMI))*;
constraintAttribute: NOT_? DEFERRABLE_ | INITIALLY_ (DEFERRED_ | IMMEDIATE_);
referenceOption
  : MATCH_ (FULL_ | PARTIAL_ | SIMPLE_)
  | ON_ (DELETE_ | UPDATE_) (NO_ ACTION_ | RESTRICT_ | CASCADE_ | SET_ (NULL_ | DEFAULT_))
  ;

tableConstraint
  : (CONSTRAINT_ colId)? tableConstraintBody constraintAttribute*
  ;
tableConstraintBody
  : PRIMARY_ KEY_ LPAREN nameList RPAREN                                 # primaryKeyTableConstraint
  | UNIQUE_ LPAREN nameList RPAREN                                       # uniqueTableConstraint
  | CHECK_ LPAREN expr RPAREN (NO_ INHERIT_)?                            # checkTableConstraint
  | FOREIGN_ KEY_ LPAREN nameList RPAREN REFERENCES_ qualifiedName
    (LPAREN nameList RPAREN)? referenceOption*                           # foreignKeyTableConstraint
  ;

createIndexStmt
  : CREATE_ UNIQUE_? INDEX_ CONCURRENTLY_? (IF_ NOT_ EXISTS_ colId | colId)? ON_ ONLY_?
    qualifiedName (USING_ colId)? LPAREN indexElem (COMMA indexElem)* RPAREN
    (INCLUDE_ LPAREN nameList RPAREN)? (WITH_ LPAREN looseParenContent RPAREN)? whereClause?
  ;
indexElem
  : (colId | functionCall | LPAREN expr RPAREN) (COLLATE_ anyName)? anyName? (ASC_ | DESC_)?
    (NULLS_ (FIRST_ | LAST_))?
  ;
looseParenContent: (~(LPAREN | RPAREN | SEMI) | LPAREN looseParenContent RPAREN)*;

createRoleStmt: CREATE_ kind=(ROLE_ | USER_ | GROUP_) nonReservedWord WITH_? roleOption*;
roleOption
  : PASSWORD_ (stringLiteral | NULL_)                                    # passwordOption
  | (ENCRYPTED_ | UNENCRYPTED_) PASSWORD_ stringLiteral                   # encryptedPasswordOption
  | CONNECTION_ LIMIT_ signedInteger                                     # connectionLimitOption
  | VALID_ UNTIL_ stringLiteral                                          # validUntilOption
  | SYSID_ INTEGER_LITERAL                                               # sysidOption
  | (IN_ ROLE_ | IN_ GROUP_ | ROLE_ | ADMIN_ | USER_) nameList            # memberOption
  | identifier                                                           # flagOption
  ;

// ============================================================================ statements BlockDB
// recognises but does not execute in full (the executor rejects them on an append-only ledger)

updateStmt: withClause? UPDATE_ ONLY_? qualifiedName STAR? looseTail;
deleteStmt: withClause? DELETE_ FROM_ ONLY_? qualifiedName STAR? looseTail;
truncateStmt: TRUNCATE_ TABLE_? truncateTarget (COMMA truncateTarget)* looseTail;
truncateTarget: ONLY_? qualifiedName STAR?;
mergeStmt: withClause? MERGE_ INTO_ ONLY_? qualifiedName looseTail;

dropStmt
  : DROP_ objectType (IF_ EXISTS_)? anyName (COMMA anyName)* looseTail
  ;
alterStmt
  : ALTER_ SYSTEM_ looseTail                                             # alterSystem
  | ALTER_ objectType (IF_ EXISTS_)? ONLY_? anyName looseTail            # alterObject
  | ALTER_ looseTail                                                     # alterOther
  ;
objectType
  : TABLE_ | INDEX_ CONCURRENTLY_? | VIEW_ | MATERIALIZED_ VIEW_ | SEQUENCE_ | SCHEMA_ | ROLE_
  | USER_ | GROUP_ | TYPE_ | FOREIGN_ TABLE_ | COLUMN_ | identifier
  ;

grantStmt
  : GRANT_ privilegeTokens ON_ TABLE_? qualifiedName (COMMA qualifiedName)* TO_ looseTail
                                                                         # grantOnTables
  | GRANT_ looseTail                                                     # grantOther
  ;
revokeStmt
  : REVOKE_ privilegeTokens ON_ TABLE_? qualifiedName (COMMA qualifiedName)* FROM_ looseTail
                                                                         # revokeOnTables
  | REVOKE_ looseTail                                                     # revokeOther
  ;
privilegeTokens: (~(ON_ | SEMI))+;

commentStmt
  : COMMENT_ ON_ objectType anyName IS_ (stringLiteral | NULL_)          # commentOnObject
  | COMMENT_ ON_ looseTail                                               # commentOther
  ;

vacuumStmt: VACUUM_ vacuumOption* (vacuumTarget (COMMA vacuumTarget)*)?;
analyzeStmt: (ANALYZE_ | ANALYSE_) vacuumOption* (vacuumTarget (COMMA vacuumTarget)*)?;
vacuumOption: FULL_ | FREEZE_ | VERBOSE_ | ANALYZE_ | ANALYSE_ | LPAREN looseParenContent RPAREN;
vacuumTarget: qualifiedName (LPAREN nameList RPAREN)?;

// ============================================================================ session statements

transactionStmt
  : BEGIN_ (WORK_ | TRANSACTION_)? transactionModeList?                  # beginStmt
  | START_ TRANSACTION_ transactionModeList?                             # startStmt
  | (COMMIT_ | END_) (WORK_ | TRANSACTION_)? (AND_ NO_? CHAIN_)?         # commitStmt
  | (ROLLBACK_ | ABORT_) (WORK_ | TRANSACTION_)? (AND_ NO_? CHAIN_)?     # rollbackStmt
  | ROLLBACK_ (WORK_ | TRANSACTION_)? TO_ SAVEPOINT_? colId              # rollbackToStmt
  | SAVEPOINT_ colId                                                     # savepointStmt
  | RELEASE_ SAVEPOINT_? colId                                           # releaseStmt
  | PREPARE_ TRANSACTION_ stringLiteral                                  # prepareTransactionStmt
  | COMMIT_ PREPARED_ stringLiteral                                      # commitPreparedStmt
  | ROLLBACK_ PREPARED_ stringLiteral                                    # rollbackPreparedStmt
  ;
transactionModeList: transactionMode (COMMA? transactionMode)*;
transactionMode
  : ISOLATION_ LEVEL_ isolationLevel                                     # isolationMode
  | READ_ ONLY_                                                          # readOnlyMode
  | READ_ WRITE_                                                         # readWriteMode
  | NOT_? DEFERRABLE_                                                    # deferrableMode
  ;
isolationLevel
  : READ_ UNCOMMITTED_ | READ_ COMMITTED_ | REPEATABLE_ READ_ | SERIALIZABLE_
  ;

setStmt
  : SET_ SESSION_ CHARACTERISTICS_ AS_ TRANSACTION_ transactionModeList  # setSessionCharacteristics
  | SET_ scope=(SESSION_ | LOCAL_)? setRest                              # setVariable
  ;
setRest
  : TRANSACTION_ SNAPSHOT_ stringLiteral                                 # setTransactionSnapshot
  | TRANSACTION_ transactionModeList                                     # setTransaction
  | TIME_ ZONE_ zoneValue                                                # setTimeZone
  | SCHEMA_ stringLiteral                                                # setSchema
  | NAMES_ (stringLiteral | DEFAULT_)?                                   # setNames
  | ROLE_ (nonReservedWord | stringLiteral)                              # setRole
  | SESSION_ AUTHORIZATION_ (nonReservedWord | stringLiteral | DEFAULT_) # setSessionAuthorization
  | varName (TO_ | EQ) DEFAULT_                                          # setToDefault
  | varName (TO_ | EQ) varValue (COMMA varValue)*                        # setToValues
  | varName FROM_ CURRENT_                                               # setFromCurrent
  ;
varName: colId (DOT colId)*;
varValue: TRUE_ | FALSE_ | ON_ | nonReservedWord | stringLiteral | numericOnly;
numericOnly: (PLUS | MINUS)? (INTEGER_LITERAL | NUMERIC_LITERAL);
zoneValue
  : DEFAULT_
  | LOCAL_
  | stringLiteral
  | identifier
  | INTERVAL_ stringLiteral intervalQualifier?
  | INTERVAL_ LPAREN INTEGER_LITERAL RPAREN stringLiteral
  | numericOnly
  ;

showStmt: SHOW_ showTarget;
resetStmt: RESET_ showTarget;
showTarget
  : TIME_ ZONE_                                                          # timeZoneTarget
  | TRANSACTION_ ISOLATION_ LEVEL_                                       # isolationTarget
  | SESSION_ AUTHORIZATION_                                              # authorizationTarget
  | ALL_                                                                 # allTarget
  | varName                                                              # variableTarget
  ;

deallocateStmt: DEALLOCATE_ PREPARE_? (ALL_ | colId);
discardStmt: DISCARD_ target=(ALL_ | PLANS_ | SEQUENCES_ | TEMP_ | TEMPORARY_);

prepareStmt
  : PREPARE_ colId (LPAREN typeName (COMMA typeName)* RPAREN)? AS_ preparableStmt
  ;
executeStmt: EXECUTE_ colId (LPAREN exprList RPAREN)?;

explainStmt
  : EXPLAIN_ LPAREN explainOption (COMMA explainOption)* RPAREN explainableStmt
  | EXPLAIN_ (ANALYZE_ | ANALYSE_)? VERBOSE_? explainableStmt
  ;
explainOption: (nonReservedWord | ANALYZE_ | ANALYSE_) optionValue?;
optionValue: TRUE_ | FALSE_ | ON_ | nonReservedWord | stringLiteral | numericOnly;
explainableStmt
  : queryStatement | insertStmt | updateStmt | deleteStmt | mergeStmt | createTableStmt
  | executeStmt | declareCursorStmt
  ;

declareCursorStmt
  : DECLARE_ colId cursorOption* CURSOR_ ((WITH_ | WITHOUT_) HOLD_)? FOR_ queryExpression
  ;
cursorOption: NO_ SCROLL_ | SCROLL_ | BINARY_ | INSENSITIVE_ | ASENSITIVE_;

fetchStmt: op=(FETCH_ | MOVE_) fetchDirection? (FROM_ | IN_)? colId;
fetchDirection
  : NEXT_                                                                # nextDirection
  | PRIOR_                                                               # priorDirection
  | FIRST_                                                               # firstDirection
  | LAST_                                                                # lastDirection
  | ABSOLUTE_ signedInteger                                              # absoluteDirection
  | RELATIVE_ signedInteger                                              # relativeDirection
  | signedInteger                                                        # countDirection
  | ALL_                                                                 # allDirection
  | FORWARD_ (signedInteger | ALL_)?                                     # forwardDirection
  | BACKWARD_ (signedInteger | ALL_)?                                    # backwardDirection
  ;
closeStmt: CLOSE_ (ALL_ | colId);

copyStmt
  : COPY_ BINARY_? qualifiedName (LPAREN nameList RPAREN)? dir=(FROM_ | TO_) copyEndpoint
    copyOptions? whereClause?                                            # copyTable
  | COPY_ LPAREN preparableStmt RPAREN TO_ copyEndpoint copyOptions?     # copyQuery
  ;
copyEndpoint: STDIN_ | STDOUT_ | stringLiteral | PROGRAM_ stringLiteral;
copyOptions
  : WITH_? LPAREN copyOption (COMMA copyOption)* RPAREN
  | WITH_? legacyCopyOption+
  ;
copyOption: colLabel copyOptionValue?;
copyOptionValue
  : optionValue
  | STAR
  | LPAREN (optionValue (COMMA optionValue)*)? RPAREN
  ;
legacyCopyOption
  : BINARY_                                                              # binaryCopyOption
  | FREEZE_                                                              # freezeCopyOption
  | CSV_                                                                 # csvCopyOption
  | HEADER_                                                              # headerCopyOption
  | OIDS_                                                                # oidsCopyOption
  | DELIMITER_ AS_? stringLiteral                                        # delimiterCopyOption
  | NULL_ AS_? stringLiteral                                             # nullCopyOption
  | QUOTE_ AS_? stringLiteral                                            # quoteCopyOption
  | ESCAPE_ AS_? stringLiteral                                           # escapeCopyOption
  | ENCODING_ stringLiteral                                              # encodingCopyOption
  | FORCE_ QUOTE_ (nameList | STAR)                                      # forceQuoteCopyOption
  | FORCE_ NOT_ NULL_ nameList                                           # forceNotNullCopyOption
  | FORCE_ NULL_ nameList                                                # forceNullCopyOption
  ;

listenStmt: LISTEN_ colId;
unlistenStmt: UNLISTEN_ (STAR | colId);
notifyStmt: NOTIFY_ colId (COMMA stringLiteral)?;

// BlockDB: recompute the hash chain and Merkle tree, optionally from a block on.
verifyChainStmt: VERIFY_ CHAIN_ (FROM_ BLOCK_ valueExpr)?;

// ============================================================================ keyword categories
// Generated from PostgreSQL 15's keyword table (pg_get_keywords()) for the keywords this grammar
// uses; BLOCK and VERIFY are BlockDB's own (unreserved). Every reserved and type/function-name
// keyword of PostgreSQL is a token even where no rule uses it, so it stays reserved.

unreservedKeyword
  : ABORT_ | ABSOLUTE_ | ACTION_ | ADMIN_ | ALTER_ | ALWAYS_ | ASENSITIVE_ | AT_ | BACKWARD_
  | BEGIN_ | BLOCK_ | BY_ | CASCADE_ | CHAIN_ | CHARACTERISTICS_ | CLOSE_ | COMMENT_ | COMMIT_
  | COMMITTED_ | CONFLICT_ | CONNECTION_ | COPY_ | CSV_ | CURRENT_ | CURSOR_ | DATA_ | DAY_
  | DEALLOCATE_ | DECLARE_ | DEFERRED_ | DELETE_ | DELIMITER_ | DISCARD_ | DOUBLE_ | DROP_
  | ENCODING_ | ENCRYPTED_ | ESCAPE_ | EXCLUDE_ | EXECUTE_ | EXPLAIN_ | FILTER_ | FIRST_
  | FOLLOWING_ | FORCE_ | FORWARD_ | GENERATED_ | GLOBAL_ | GROUPS_ | HEADER_ | HOLD_ | HOUR_
  | IDENTITY_ | IF_ | IMMEDIATE_ | INCLUDE_ | INDEX_ | INHERIT_ | INSENSITIVE_ | INSERT_
  | ISOLATION_ | KEY_ | LAST_ | LEVEL_ | LISTEN_ | LOCAL_ | LOCKED_ | MATCH_ | MATCHED_
  | MATERIALIZED_ | MERGE_ | MINUTE_ | MONTH_ | MOVE_ | NAMES_ | NEXT_ | NO_ | NOTHING_ | NOTIFY_
  | NOWAIT_ | NULLS_ | OF_ | OIDS_ | OPERATOR_ | ORDINALITY_ | OTHERS_ | OVER_ | OVERRIDING_
  | PARTIAL_ | PARTITION_ | PASSWORD_ | PLANS_ | PRECEDING_ | PREPARE_ | PREPARED_ | PRIOR_
  | PROGRAM_ | QUOTE_ | RANGE_ | READ_ | RECURSIVE_ | RELATIVE_ | RELEASE_ | REPEATABLE_ | RESET_
  | RESTRICT_ | REVOKE_ | ROLE_ | ROLLBACK_ | ROWS_ | SAVEPOINT_ | SCHEMA_ | SCROLL_ | SECOND_
  | SEQUENCE_ | SEQUENCES_ | SERIALIZABLE_ | SESSION_ | SET_ | SHARE_ | SHOW_ | SIMPLE_ | SKIP_
  | SNAPSHOT_ | START_ | STDIN_ | STDOUT_ | STORED_ | SYSID_ | SYSTEM_ | TEMP_ | TEMPORARY_
  | TIES_ | TRANSACTION_ | TRUNCATE_ | TYPE_ | UNBOUNDED_ | UNCOMMITTED_ | UNENCRYPTED_
  | UNKNOWN_ | UNLISTEN_ | UNLOGGED_ | UNTIL_ | UPDATE_ | VACUUM_ | VALID_ | VALUE_ | VARYING_
  | VERIFY_ | VIEW_ | WITHIN_ | WITHOUT_ | WORK_ | WRITE_ | YEAR_ | ZONE_
  ;

colNameKeyword
  : BETWEEN_ | BIGINT_ | BIT_ | BOOLEAN_ | CHAR_ | CHARACTER_ | COALESCE_ | DEC_ | DECIMAL_
  | EXISTS_ | EXTRACT_ | FLOAT_ | GREATEST_ | INT_ | INTEGER_ | INTERVAL_ | LEAST_ | NULLIF_
  | NUMERIC_ | OVERLAY_ | POSITION_ | PRECISION_ | REAL_ | ROW_ | SMALLINT_ | SUBSTRING_ | TIME_
  | TIMESTAMP_ | TRIM_ | VALUES_ | VARCHAR_
  ;

typeFuncNameKeyword
  : AUTHORIZATION_ | BINARY_ | COLLATION_ | CONCURRENTLY_ | CROSS_ | CURRENT_SCHEMA_ | FREEZE_
  | FULL_ | ILIKE_ | INNER_ | IS_ | ISNULL_ | JOIN_ | LEFT_ | LIKE_ | NATURAL_ | NOTNULL_
  | OUTER_ | OVERLAPS_ | RIGHT_ | SIMILAR_ | TABLESAMPLE_ | VERBOSE_
  ;

reservedKeyword
  : ALL_ | ANALYSE_ | ANALYZE_ | AND_ | ANY_ | ARRAY_ | AS_ | ASC_ | ASYMMETRIC_ | BOTH_ | CASE_
  | CAST_ | CHECK_ | COLLATE_ | COLUMN_ | CONSTRAINT_ | CREATE_ | CURRENT_CATALOG_
  | CURRENT_DATE_ | CURRENT_ROLE_ | CURRENT_TIME_ | CURRENT_TIMESTAMP_ | CURRENT_USER_ | DEFAULT_
  | DEFERRABLE_ | DESC_ | DISTINCT_ | DO_ | ELSE_ | END_ | EXCEPT_ | FALSE_ | FETCH_ | FOR_
  | FOREIGN_ | FROM_ | GRANT_ | GROUP_ | HAVING_ | IN_ | INITIALLY_ | INTERSECT_ | INTO_
  | LATERAL_ | LEADING_ | LIMIT_ | LOCALTIME_ | LOCALTIMESTAMP_ | NOT_ | NULL_ | OFFSET_ | ON_
  | ONLY_ | OR_ | ORDER_ | PLACING_ | PRIMARY_ | REFERENCES_ | RETURNING_ | SELECT_
  | SESSION_USER_ | SOME_ | SYMMETRIC_ | TABLE_ | THEN_ | TO_ | TRAILING_ | TRUE_ | UNION_
  | UNIQUE_ | USER_ | USING_ | VARIADIC_ | WHEN_ | WHERE_ | WINDOW_ | WITH_
  ;

bareLabelKeyword
  : ABORT_ | ABSOLUTE_ | ACTION_ | ADMIN_ | ALL_ | ALTER_ | ALWAYS_ | ANALYSE_ | ANALYZE_ | AND_
  | ANY_ | ASC_ | ASENSITIVE_ | ASYMMETRIC_ | AT_ | AUTHORIZATION_ | BACKWARD_ | BEGIN_
  | BETWEEN_ | BIGINT_ | BINARY_ | BIT_ | BLOCK_ | BOOLEAN_ | BOTH_ | BY_ | CASCADE_ | CASE_
  | CAST_ | CHAIN_ | CHARACTERISTICS_ | CHECK_ | CLOSE_ | COALESCE_ | COLLATE_ | COLLATION_
  | COLUMN_ | COMMENT_ | COMMIT_ | COMMITTED_ | CONCURRENTLY_ | CONFLICT_ | CONNECTION_
  | CONSTRAINT_ | COPY_ | CROSS_ | CSV_ | CURRENT_ | CURRENT_CATALOG_ | CURRENT_DATE_
  | CURRENT_ROLE_ | CURRENT_SCHEMA_ | CURRENT_TIME_ | CURRENT_TIMESTAMP_ | CURRENT_USER_
  | CURSOR_ | DATA_ | DEALLOCATE_ | DEC_ | DECIMAL_ | DECLARE_ | DEFAULT_ | DEFERRABLE_
  | DEFERRED_ | DELETE_ | DELIMITER_ | DESC_ | DISCARD_ | DISTINCT_ | DO_ | DOUBLE_ | DROP_
  | ELSE_ | ENCODING_ | ENCRYPTED_ | END_ | ESCAPE_ | EXCLUDE_ | EXECUTE_ | EXISTS_ | EXPLAIN_
  | EXTRACT_ | FALSE_ | FIRST_ | FLOAT_ | FOLLOWING_ | FORCE_ | FOREIGN_ | FORWARD_ | FREEZE_
  | FULL_ | GENERATED_ | GLOBAL_ | GREATEST_ | GROUPS_ | HEADER_ | HOLD_ | IDENTITY_ | IF_
  | ILIKE_ | IMMEDIATE_ | IN_ | INCLUDE_ | INDEX_ | INHERIT_ | INITIALLY_ | INNER_ | INSENSITIVE_
  | INSERT_ | INT_ | INTEGER_ | INTERVAL_ | IS_ | ISOLATION_ | JOIN_ | KEY_ | LAST_ | LATERAL_
  | LEADING_ | LEAST_ | LEFT_ | LEVEL_ | LIKE_ | LISTEN_ | LOCAL_ | LOCALTIME_ | LOCALTIMESTAMP_
  | LOCKED_ | MATCH_ | MATCHED_ | MATERIALIZED_ | MERGE_ | MOVE_ | NAMES_ | NATURAL_ | NEXT_
  | NO_ | NOT_ | NOTHING_ | NOTIFY_ | NOWAIT_ | NULL_ | NULLIF_ | NULLS_ | NUMERIC_ | OF_ | OIDS_
  | ONLY_ | OPERATOR_ | OR_ | ORDINALITY_ | OTHERS_ | OUTER_ | OVERLAY_ | OVERRIDING_ | PARTIAL_
  | PARTITION_ | PASSWORD_ | PLACING_ | PLANS_ | POSITION_ | PRECEDING_ | PREPARE_ | PREPARED_
  | PRIMARY_ | PRIOR_ | PROGRAM_ | QUOTE_ | RANGE_ | READ_ | REAL_ | RECURSIVE_ | REFERENCES_
  | RELATIVE_ | RELEASE_ | REPEATABLE_ | RESET_ | RESTRICT_ | REVOKE_ | RIGHT_ | ROLE_
  | ROLLBACK_ | ROW_ | ROWS_ | SAVEPOINT_ | SCHEMA_ | SCROLL_ | SELECT_ | SEQUENCE_ | SEQUENCES_
  | SERIALIZABLE_ | SESSION_ | SESSION_USER_ | SET_ | SHARE_ | SHOW_ | SIMILAR_ | SIMPLE_ | SKIP_
  | SMALLINT_ | SNAPSHOT_ | SOME_ | START_ | STDIN_ | STDOUT_ | STORED_ | SUBSTRING_ | SYMMETRIC_
  | SYSID_ | SYSTEM_ | TABLE_ | TABLESAMPLE_ | TEMP_ | TEMPORARY_ | THEN_ | TIES_ | TIME_
  | TIMESTAMP_ | TRAILING_ | TRANSACTION_ | TRIM_ | TRUE_ | TRUNCATE_ | TYPE_ | UNBOUNDED_
  | UNCOMMITTED_ | UNENCRYPTED_ | UNIQUE_ | UNKNOWN_ | UNLISTEN_ | UNLOGGED_ | UNTIL_ | UPDATE_
  | USER_ | USING_ | VACUUM_ | VALID_ | VALUE_ | VALUES_ | VARCHAR_ | VARIADIC_ | VERBOSE_
  | VERIFY_ | VIEW_ | WHEN_ | WORK_ | WRITE_ | ZONE_
  ;


// ============================================================================ lexer

// Punctuation and operators. Multi-character operators are listed explicitly (rather than
// PostgreSQL's "any run of operator characters") so that a*-1 or x<>-1 lex as two operators.
SEMI: ';';
COMMA: ',';
DOT: '.';
LPAREN: '(';
RPAREN: ')';
LBRACKET: '[';
RBRACKET: ']';
TYPECAST: '::';
COLON_EQUALS: ':=';
COLON: ':';
EQUALS_GREATER: '=>';
EQ: '=';
NOT_EQUALS: '<>';
BANG_EQUALS: '!=';
LESS_EQUALS: '<=';
GREATER_EQUALS: '>=';
LT: '<';
GT: '>';
PLUS: '+';
MINUS: '-';
STAR: '*';
SLASH: '/';
PERCENT: '%';
CARET: '^';
CONCAT: '||';
TILDE: '~';
NOT_TILDE: '!~';
TILDE_STAR: '~*';
NOT_TILDE_STAR: '!~*';
OTHER_OP
  : '->' | '->>' | '#>' | '#>>' | '@>' | '<@' | '&&' | '?' | '?|' | '?&' | '&' | '|' | '#' | '<<'
  | '>>' | '<<=' | '>>=' | '@@' | '@' | '~~' | '!~~' | '~~*' | '!~~*' | '^@' | '|/' | '||/' | '-|-'
  | '<->' | '&<' | '&>' | '?#' | '~='
  | SIGN_ENDED_OP
  ;
// PostgreSQL reads the longest run of operator characters as one operator, but drops a trailing
// + or - unless the run holds one of ~ ! @ # % ^ & | ` ? (so "=-1" is "=" "-1" while "^-" is
// the operator ^-, which does not exist: 2.0^-2 is 42883, not 0.25). The run here stops before
// any - or / inside it, a rough stand-in for PostgreSQL's stop at -- and /* comment starts.
fragment SIGN_ENDED_OP: OP_CHAR_NO_DASH* SIGN_OP_SPECIAL OP_CHAR_NO_DASH* [+-];
fragment OP_CHAR_NO_DASH: [+*<>=~!@#%^&|`?];
fragment SIGN_OP_SPECIAL: [~!@#%^&|`?];

PARAM: '$' DIGIT+;

INTEGER_LITERAL: DIGIT+;
NUMERIC_LITERAL
  : DIGIT+ '.' DIGIT* EXPONENT?
  | '.' DIGIT+ EXPONENT?
  | DIGIT+ EXPONENT
  ;
// PostgreSQL 15 rejects a number running into letters (123abc, 1e): "trailing junk".
NUMERIC_JUNK: (DIGIT+ | DIGIT+ '.' DIGIT* | '.' DIGIT+) EXPONENT? IDENT_START IDENT_CONT*;

// Segments separated by whitespace that holds a newline are one literal ('foo'
// 'bar' is 'foobar'), as in the SQL standard and PostgreSQL.
STRING_LITERAL: '\'' (~'\'' | '\'\'')* '\'' (QUOTE_CONTINUE '\'' (~'\'' | '\'\'')* '\'')*;
fragment QUOTE_CONTINUE: ([ \t\f\r] | '--' ~[\r\n]*)* '\n' ([ \t\f\r\n] | '--' ~[\r\n]*)*;
ESCAPE_STRING_LITERAL: [eE] '\'' (~['\\] | '\\' . | '\'\'')* '\'';
BIT_STRING_LITERAL: [bB] '\'' ~'\''* '\'';
HEX_STRING_LITERAL: [xX] '\'' ~'\''* '\'';
NATIONAL_STRING_LITERAL: [nN] '\'' (~'\'' | '\'\'')* '\'';
// U&'...' (Unicode escapes, a string literal) and U&"..." (an identifier, not supported: the
// AST builder rejects it).
UNICODE_ESCAPE_LITERAL: [uU] '&' ('\'' (~'\'' | '\'\'')* '\'' | '"' (~'"' | '""')* '"');
DOLLAR_STRING: '$' DOLLAR_TAG? '$' { ConsumeDollarQuotedBody(); };

// A quoted string, identifier, dollar-quoted string or block comment still open at end of input.
// The parser rejects it; the error message depends on how the token starts.
UNTERMINATED
  : ([eE] '\'' (~['\\] | '\\' . | '\'\'')* | [nN]? '\'' (~'\'' | '\'\'')* | [bBxX] '\'' ~'\''*
    | '"' (~'"' | '""')*) EOF
  ;

QUOTED_IDENTIFIER: '"' (~'"' | '""')* '"';

// Keywords (case-insensitive through the letter fragments below).
ABORT_: A B O R T;
ABSOLUTE_: A B S O L U T E;
ACTION_: A C T I O N;
ADMIN_: A D M I N;
ALL_: A L L;
ALTER_: A L T E R;
ALWAYS_: A L W A Y S;
ANALYSE_: A N A L Y S E;
ANALYZE_: A N A L Y Z E;
AND_: A N D;
ANY_: A N Y;
ARRAY_: A R R A Y;
AS_: A S;
ASC_: A S C;
ASENSITIVE_: A S E N S I T I V E;
ASYMMETRIC_: A S Y M M E T R I C;
AT_: A T;
AUTHORIZATION_: A U T H O R I Z A T I O N;
BACKWARD_: B A C K W A R D;
BEGIN_: B E G I N;
BETWEEN_: B E T W E E N;
BIGINT_: B I G I N T;
BINARY_: B I N A R Y;
BIT_: B I T;
BLOCK_: B L O C K;
BOOLEAN_: B O O L E A N;
BOTH_: B O T H;
BY_: B Y;
CASCADE_: C A S C A D E;
CASE_: C A S E;
CAST_: C A S T;
CHAIN_: C H A I N;
CHAR_: C H A R;
CHARACTER_: C H A R A C T E R;
CHARACTERISTICS_: C H A R A C T E R I S T I C S;
CHECK_: C H E C K;
CLOSE_: C L O S E;
COALESCE_: C O A L E S C E;
COLLATE_: C O L L A T E;
COLLATION_: C O L L A T I O N;
COLUMN_: C O L U M N;
COMMENT_: C O M M E N T;
COMMIT_: C O M M I T;
COMMITTED_: C O M M I T T E D;
CONCURRENTLY_: C O N C U R R E N T L Y;
CONFLICT_: C O N F L I C T;
CONNECTION_: C O N N E C T I O N;
CONSTRAINT_: C O N S T R A I N T;
COPY_: C O P Y;
CREATE_: C R E A T E;
CROSS_: C R O S S;
CSV_: C S V;
CURRENT_: C U R R E N T;
CURRENT_CATALOG_: C U R R E N T '_' C A T A L O G;
CURRENT_DATE_: C U R R E N T '_' D A T E;
CURRENT_ROLE_: C U R R E N T '_' R O L E;
CURRENT_SCHEMA_: C U R R E N T '_' S C H E M A;
CURRENT_TIME_: C U R R E N T '_' T I M E;
CURRENT_TIMESTAMP_: C U R R E N T '_' T I M E S T A M P;
CURRENT_USER_: C U R R E N T '_' U S E R;
CURSOR_: C U R S O R;
DATA_: D A T A;
DAY_: D A Y;
DEALLOCATE_: D E A L L O C A T E;
DEC_: D E C;
DECIMAL_: D E C I M A L;
DECLARE_: D E C L A R E;
DEFAULT_: D E F A U L T;
DEFERRABLE_: D E F E R R A B L E;
DEFERRED_: D E F E R R E D;
DELETE_: D E L E T E;
DELIMITER_: D E L I M I T E R;
DESC_: D E S C;
DISCARD_: D I S C A R D;
DISTINCT_: D I S T I N C T;
DO_: D O;
DOUBLE_: D O U B L E;
DROP_: D R O P;
ELSE_: E L S E;
ENCODING_: E N C O D I N G;
ENCRYPTED_: E N C R Y P T E D;
END_: E N D;
ESCAPE_: E S C A P E;
EXCEPT_: E X C E P T;
EXCLUDE_: E X C L U D E;
EXECUTE_: E X E C U T E;
EXISTS_: E X I S T S;
EXPLAIN_: E X P L A I N;
EXTRACT_: E X T R A C T;
FALSE_: F A L S E;
FETCH_: F E T C H;
FILTER_: F I L T E R;
FIRST_: F I R S T;
FLOAT_: F L O A T;
FOLLOWING_: F O L L O W I N G;
FOR_: F O R;
FORCE_: F O R C E;
FOREIGN_: F O R E I G N;
FORWARD_: F O R W A R D;
FREEZE_: F R E E Z E;
FROM_: F R O M;
FULL_: F U L L;
GENERATED_: G E N E R A T E D;
GLOBAL_: G L O B A L;
GRANT_: G R A N T;
GREATEST_: G R E A T E S T;
GROUP_: G R O U P;
GROUPS_: G R O U P S;
HAVING_: H A V I N G;
HEADER_: H E A D E R;
HOLD_: H O L D;
HOUR_: H O U R;
IDENTITY_: I D E N T I T Y;
IF_: I F;
ILIKE_: I L I K E;
IMMEDIATE_: I M M E D I A T E;
IN_: I N;
INCLUDE_: I N C L U D E;
INDEX_: I N D E X;
INHERIT_: I N H E R I T;
INITIALLY_: I N I T I A L L Y;
INNER_: I N N E R;
INSENSITIVE_: I N S E N S I T I V E;
INSERT_: I N S E R T;
INT_: I N T;
INTEGER_: I N T E G E R;
INTERSECT_: I N T E R S E C T;
INTERVAL_: I N T E R V A L;
INTO_: I N T O;
IS_: I S;
ISNULL_: I S N U L L;
ISOLATION_: I S O L A T I O N;
JOIN_: J O I N;
KEY_: K E Y;
LAST_: L A S T;
LATERAL_: L A T E R A L;
LEADING_: L E A D I N G;
LEAST_: L E A S T;
LEFT_: L E F T;
LEVEL_: L E V E L;
LIKE_: L I K E;
LIMIT_: L I M I T;
LISTEN_: L I S T E N;
LOCAL_: L O C A L;
LOCALTIME_: L O C A L T I M E;
LOCALTIMESTAMP_: L O C A L T I M E S T A M P;
LOCKED_: L O C K E D;
MATCH_: M A T C H;
MATCHED_: M A T C H E D;
MATERIALIZED_: M A T E R I A L I Z E D;
MERGE_: M E R G E;
MINUTE_: M I N U T E;
MONTH_: M O N T H;
MOVE_: M O V E;
NAMES_: N A M E S;
NATURAL_: N A T U R A L;
NEXT_: N E X T;
NO_: N O;
NOT_: N O T;
NOTHING_: N O T H I N G;
NOTIFY_: N O T I F Y;
NOTNULL_: N O T N U L L;
NOWAIT_: N O W A I T;
NULL_: N U L L;
NULLIF_: N U L L I F;
NULLS_: N U L L S;
NUMERIC_: N U M E R I C;
OF_: O F;
OFFSET_: O F F S E T;
OIDS_: O I D S;
ON_: O N;
ONLY_: O N L Y;
OPERATOR_: O P E R A T O R;
OR_: O R;
ORDER_: O R D E R;
ORDINALITY_: O R D I N A L I T Y;
OTHERS_: O T H E R S;
OUTER_: O U T E R;
OVER_: O V E R;
OVERLAPS_: O V E R L A P S;
OVERLAY_: O V E R L A Y;
OVERRIDING_: O V E R R I D I N G;
PARTIAL_: P A R T I A L;
PARTITION_: P A R T I T I O N;
PASSWORD_: P A S S W O R D;
PLACING_: P L A C I N G;
PLANS_: P L A N S;
POSITION_: P O S I T I O N;
PRECEDING_: P R E C E D I N G;
PRECISION_: P R E C I S I O N;
PREPARE_: P R E P A R E;
PREPARED_: P R E P A R E D;
PRIMARY_: P R I M A R Y;
PRIOR_: P R I O R;
PROGRAM_: P R O G R A M;
QUOTE_: Q U O T E;
RANGE_: R A N G E;
READ_: R E A D;
REAL_: R E A L;
RECURSIVE_: R E C U R S I V E;
REFERENCES_: R E F E R E N C E S;
RELATIVE_: R E L A T I V E;
RELEASE_: R E L E A S E;
REPEATABLE_: R E P E A T A B L E;
RESET_: R E S E T;
RESTRICT_: R E S T R I C T;
RETURNING_: R E T U R N I N G;
REVOKE_: R E V O K E;
RIGHT_: R I G H T;
ROLE_: R O L E;
ROLLBACK_: R O L L B A C K;
ROW_: R O W;
ROWS_: R O W S;
SAVEPOINT_: S A V E P O I N T;
SCHEMA_: S C H E M A;
SCROLL_: S C R O L L;
SECOND_: S E C O N D;
SELECT_: S E L E C T;
SEQUENCE_: S E Q U E N C E;
SEQUENCES_: S E Q U E N C E S;
SERIALIZABLE_: S E R I A L I Z A B L E;
SESSION_: S E S S I O N;
SESSION_USER_: S E S S I O N '_' U S E R;
SET_: S E T;
SHARE_: S H A R E;
SHOW_: S H O W;
SIMILAR_: S I M I L A R;
SIMPLE_: S I M P L E;
SKIP_: S K I P;
SMALLINT_: S M A L L I N T;
SNAPSHOT_: S N A P S H O T;
SOME_: S O M E;
START_: S T A R T;
STDIN_: S T D I N;
STDOUT_: S T D O U T;
STORED_: S T O R E D;
SUBSTRING_: S U B S T R I N G;
SYMMETRIC_: S Y M M E T R I C;
SYSID_: S Y S I D;
SYSTEM_: S Y S T E M;
TABLE_: T A B L E;
TABLESAMPLE_: T A B L E S A M P L E;
TEMP_: T E M P;
TEMPORARY_: T E M P O R A R Y;
THEN_: T H E N;
TIES_: T I E S;
TIME_: T I M E;
TIMESTAMP_: T I M E S T A M P;
TO_: T O;
TRAILING_: T R A I L I N G;
TRANSACTION_: T R A N S A C T I O N;
TRIM_: T R I M;
TRUE_: T R U E;
TRUNCATE_: T R U N C A T E;
TYPE_: T Y P E;
UNBOUNDED_: U N B O U N D E D;
UNCOMMITTED_: U N C O M M I T T E D;
UNENCRYPTED_: U N E N C R Y P T E D;
UNION_: U N I O N;
UNIQUE_: U N I Q U E;
UNKNOWN_: U N K N O W N;
UNLISTEN_: U N L I S T E N;
UNLOGGED_: U N L O G G E D;
UNTIL_: U N T I L;
UPDATE_: U P D A T E;
USER_: U S E R;
USING_: U S I N G;
VACUUM_: V A C U U M;
VALID_: V A L I D;
VALUE_: V A L U E;
VALUES_: V A L U E S;
VARCHAR_: V A R C H A R;
VARIADIC_: V A R I A D I C;
VARYING_: V A R Y I N G;
VERBOSE_: V E R B O S E;
VERIFY_: V E R I F Y;
VIEW_: V I E W;
WHEN_: W H E N;
WHERE_: W H E R E;
WINDOW_: W I N D O W;
WITH_: W I T H;
WITHIN_: W I T H I N;
WITHOUT_: W I T H O U T;
WORK_: W O R K;
WRITE_: W R I T E;
YEAR_: Y E A R;
ZONE_: Z O N E;

IDENTIFIER: IDENT_START IDENT_CONT*;

LINE_COMMENT: '--' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT: '/*' { ConsumeBlockComment(); };
WHITESPACE: [ \t\r\n\f\u000B]+ -> skip;

// Any other character is a token of its own that no rule accepts, so it becomes a syntax error
// at that character.
ERROR_CHAR: .;

fragment DIGIT: [0-9];
fragment EXPONENT: [eE] [+-]? DIGIT+;
fragment IDENT_START: [a-zA-Z_\u0080-\u{10FFFF}];
fragment IDENT_CONT: [a-zA-Z_0-9$\u0080-\u{10FFFF}];
fragment DOLLAR_TAG: [a-zA-Z_\u0080-\u{10FFFF}] [a-zA-Z_0-9\u0080-\u{10FFFF}]*;

fragment A: [aA];
fragment B: [bB];
fragment C: [cC];
fragment D: [dD];
fragment E: [eE];
fragment F: [fF];
fragment G: [gG];
fragment H: [hH];
fragment I: [iI];
fragment J: [jJ];
fragment K: [kK];
fragment L: [lL];
fragment M: [mM];
fragment N: [nN];
fragment O: [oO];
fragment P: [pP];
fragment Q: [qQ];
fragment R: [rR];
fragment S: [sS];
fragment T: [tT];
fragment U: [uU];
fragment V: [vV];
fragment W: [wW];
fragment X: [xX];
fragment Y: [yY];
fragment Z: [zZ];
