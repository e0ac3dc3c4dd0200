-- allowed_origins: an empty list used to allow every origin; it now allows
-- Kith's own pages only, and "*" allows every origin. Apps made before keep
-- what they had.

-- +goose Up
UPDATE apps SET allowed_origins = '["*"]' WHERE allowed_origins = '[]';

-- +goose Down
UPDATE apps SET allowed_origins = '[]' WHERE allowed_origins = '["*"]';
