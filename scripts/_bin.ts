import { readFileSync, writeFileSync } from 'node:fs';
import { checkImage } from '../src/image/intake.js';
import { PreparedImage } from '../src/image/prepare.js';
const image = await PreparedImage.from(checkImage(readFileSync('/tmp/bank/dbg.png'), { maxSide: 8192, formats: ['png'] } as never));
writeFileSync('/tmp/bank/bin.png', await image.page({ invert: 'auto', binarize: true }));
