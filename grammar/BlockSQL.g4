// BlockDB's SQL grammar (PostgreSQL dialect, append-only). Generated at build time; see
// grammar/README.md.
grammar BlockSQL;

script: statement? (SEMI statement?)* EOF;
statement: SELECT_ INTEGER_LITERAL;

SELECT_: [sS][eE][lL][eE][cC][tT];
INTEGER_LITERAL: [0-9]+;
SEMI: ';';
WS: [ \t\r\n]+ -> skip;
