-- The API limits name and description in characters (Unicode code points): 200 and 5,000. PostgreSQL's VARCHAR(n)
-- counts code points too, but H2 counts UTF-16 units, in which a character outside the BMP (an emoji) takes two:
-- 200 emoji failed there as a database error. Twice the limit fits any text the API accepts, in either database.
ALTER TABLE products ALTER COLUMN name SET DATA TYPE VARCHAR(400);
ALTER TABLE products ALTER COLUMN description SET DATA TYPE VARCHAR(10000);
