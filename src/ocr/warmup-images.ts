/**
 * What each OCR pool reads once per worker at boot, so that the first request after `/health` says ready is as fast
 * as the ones after it: a real recognition loads and runs the whole LSTM model, which starting a worker does not.
 * Crops of the project's own synthetic fixtures, greyscale PNGs: the MRZ of fixtures/passport/p01-clean.png
 * (x 40..1210, y 740..860) for English, the Arabic name of fixtures/emirates-id-card/e01-clean.png (x 690..1012,
 * y 172..222) for Arabic. Embedded so that the engine needs nothing from disk beyond its language data.
 */
import sharp from 'sharp';
import type { OcrLanguage, OcrRequest } from './engine.js';

const ENG =
  'iVBORw0KGgoAAAANSUhEUgAABJIAAAB4BAMAAABbU8XbAAAAMFBMVEX4+PgRERHAwMDu7u6CgoImJiarq6vk5OQaGhoyMjKTk5NcXFx3d3dsbGxF' +
  'RUXV1dX6SLYPAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAUL0lEQVR42u1dbYycV3W+zLue8e7aO9yNZz37NZnFJEoiVYwdOcTE4F26DTQNkif+wUeI' +
  'mSGxCI0E64ClkATkoXWtUhR7YpHmD+oOpCEhiHhIJHAVlR0pFVUjpbvlDz8q5CEpSeSg7IKKXCoh7r3nfpz7fsy+u/4z1p7nhz2zZ879fO655577' +
  'zhzGfOQ44Iz9y42cf1z+3wLBN9QfZzi/9CbnNfm6wxcZO8GPyNdBlf/Dq5yvytc7+EklLiqN26TyeBkEfNQKhqDYoiiDDfO/kX9a4RWlMiL+vsAi' +
  'GrgohUyTFxbCzWWsy/lueNXhvGzbg/txXDbd9nzCDQNuVa86trJgHajxfP/necn84SDn0xWYgYr9lCDMj1nQgXl4SJJIv97BSxXxyYtRJjG210yb' +
  '4EUJMekaW2xW8YU1S0ahC1z1NXBRqjGCKD+PNJcFvMTHLJMuIia5fvRg0jXesCTUsZUFqZjEcl1tDBQjYfXjGRji01J2Sf1lQKjkGuMVYNVrcspG' +
  '12OStBFRJuX4LvFvXv2rDN/9fDmqEWaSWCd34QWkjVWGjzWmLZNGr4xJCXVsZUE6JolJBGMQrFhG4hkYhL3MGKjiwk69/OtSL2hMrcuk83FMAmuk' +
  'LZMkwCP8cFQjxKQP4gXkmit0drcLlkmTV8SkpDq2sCAtk8wQI0biGVjjs0inxZfWYENjK2qu2+PrMOkxfm0sk5SHpL0l4eiMD8nPhTV8JiUuoBF+' +
  'tgUOm9DrilebZxJZoYhgozYJMxLPQF1PEeAAP93mUF+3BOKF3kz6utwdY5ikTNo2aX5UU6byenY9DY9JiQtIsETwe1EzaUZsk5tmElmh6OimZlJH' +
  'MSNTRYzEM9Ap4iKzwrfVTnJzGiao3JtJJ6WNiGGSmH1p8BZ1sWOsOhnV8Jh0HV5AuLmSlYaTneKIMGmbZlJiHVtXkJpJH+AFOdxzeF9s8XmBD8Mu' +
  'NO4pdblxbarTMNG1dZgkbYRh0i5ZbtnsSLKiVePoMO3peBq4qAG8TrzmisWwMKzdrE4xI0yaZZLrRw8muVYl1rF1BemYNDk//0oVRrVhjtEuDlNU' +
  's9wWJui98/N3VMwhSy9+ps50Yn9aXIdJI/y0H086o5suIkDGTx4UvlfLhqacBi5qu45psUhzpfdu3Cyh1y0uePEk6Md68aQzPevYuoJ0TAK8ALYG' +
  'xf90RK+s3aG8fLNsnFvjNzUmWf75FEzK8imfSaPm5C5OftNuq1szYSqkgYsSNT+OTCNqrvCymHGzhF6dL/mRyXIaJo32rGPrCjbApL9Vbx7hfFfF' +
  'Z9JkRR/OsvLdWRO60ZMv/ZrLhYXt6+5urFlc8Jj0Anh4gkUZw/26mG3t6XgauKhcm/M/Ny30mqtiCdrNEnqD/LTHJOjHekx6oWcdW1eQmkmn/kXH' +
  'JY8hUmJPVRz2g7ZjUmAnQRirGf7a+h63oMlsjMfNugXY4SAk8PL8X0IZnobncWeraKng5u7kU/PzzaJhUpbv2rTHnVjH1hWkP7vFkNI7u6lj/nAM' +
  'kwoiJjA1oza7nkzaz4/EMWmOr46YUptug/E0/HhS0hoaRJuY0AuqhYObjieRIYoINsokTEo/nlSLZ5KgWL7Bu+rk15NJQ3wijkkzfHGvjASoSxOF' +
  'iYhGKMadsIbWQH3RNKHFf7D5GDcZoohgo0xCpPRj3EvxTJIUq3O+3m3JSWkj4ph0Kz9f1+eFLFChFNEIMSlhDdVB/aJpwn7+6c0ziQzRxl2lMJMc' +
  'KfEMbFMcimHSrfyceQREzMZud3USZpLYx6oxTBI3JR1dD1yatIuVsEb4Bjd+DSlFffEimTTAC1dwg0uGaMOuUoRJkpSz4RnYoc5XMUwaEKGsoAkB' +
  'waz6UFAtxTLpVhHTic7ZEB81z5RsU/ak7px3oxFmkloqkeZW0WWwZFLQ4FfApPg6trZgo0ySpBwLz0BeBc5jmCRYdM+r2rnJNeQTUjutzGfSQCyT' +
  '8nzKtBtuiY+rfz2NCJPkUqmFmguPpsBjKrDBzl0Rk+Lq2OqCjTJJkHLM3TLMfw/2Dv7NPYeejTKJ/S86Mq3wJ770+65+yO7h+Tn++nzZMinX4Pi2' +
  '5A4dd6jai5eWKmRQWSZPAxdll0ot1Nwh/NCcYtJDHN+WQD+O8xfnza2Iiu6be5RQq+Lr2OqCDTOJPTCLYsOw95xA/qzHpLy4gxPPcJxDH6rFnenl' +
  'MQ9HJk1R4vJZP1MCHtJO9dbTwEWZpfJiuLnmQV5ViGLSDu7FuEvAJBfLNtF9ReBQq+Lr2PKCDTOJ4cMQTGa+ikiCmcSyFx772TAQFz40oT+iMAZM' +
  'Oqx2rwI6osEsq1rOo6fetKfjaeCiEgG2TLtZnQJEFQ6H+7GXu7ICw6RatFWETaB7bYLgQ/gbAexR4cAWf2SVzvh0bILBeFRQqaR3oWeU9mtwubIM' +
  'zrniRdd79v6A3hmFXzMKjte5sAYuKhEDUMwB9VDwzDREPZfD/RhqcFfWM9pYVaKtImwCt6ym/Nydt++xb/Yt+MKHNRv23fd0XHG/Vf9eHxflCq7/' +
  'nH6VAc19lXU0EvA+KE61Ma/0Mp+l2SUQCAQCgUAgEAgEAoFAIBAIBAKBQCAQCAQCgUAgEAgEAoFAIBAIBAKBQCAQCAQCgUAgEAgEAoFAIBAIBAKB' +
  'QCAQCAQCgUAgEAiE/kLuqXn3E/os99y3Cq+bH7x9+EL16Efg5QfgQ8+vo8HYH/++5soOLtQ20pRbVLHf1boPPHn0P60o/+YTtsE/fPLof5nXuHIs' +
  'YLdcOPV23M/zhprLbrPlPvzWqd+UY/qBNYL7VIaBSpzG1TXrSYN4BRjEP6GfW1E/aQ0j9VX1y9XfNVm61buFnhriF40bOm02g5/IPrmRprRVqTph' +
  '6o3ytU0afQMvmJfPuKSofuVIwDIy38B0NNNUqLni97lNyhT1E96T0X54GsPQ8eUYjasLiYOYAn+hZuXYG/LfrxWXZBH/U4M8zS733gk0Urkqmtgq' +
  'Ik+iBlMpHxB5VkxWh8w8yo3Cgi984qh++Ysllb7+nxhkiXZpL7LqTWnBpq+1M+5+pt2vHAvY/erNG6CStTlMws0VSS9KXjrg1yL98DS241wVrcgP' +
  '0QfvQ2/2rfavIHEQU2ebyDUm4Ff1x9TP7R9GP6evkjG0eOHSK01I+CBqO/rSBZ154hjO/ZGkoXKIICYN8GLZpot3JFHmpliDFEuQ4GsKZZu4S33m' +
  'Mi++fcHmF+k4JonUFC/9VcMkFEOVY4HIj/mYEJQwSUYjGmokvm6SPfG7X/6JyfeE+uFpQBaLQjmqAR0rugnMNM/0ryBxEFNAZHZUqbTGYGJKLnek' +
  '2Vnk8r88fq/wibhKUppvPFFhQYsfsZ/5ilnxCRoyG3MRFdqy2WxaODfKkMtemmvIrBFD+g1OrdLl70j+Qv9u47xRtNWK/fb/+GkWrhwLRnhpVWaa' +
  'qqFdcyyioZpSNqkMJyos31Tbt9cPTwNn+/I0FA5yJw46qDd9J0gcxDRoycSka5AMqaMGEDMpw1Xe9NweEKvhfRCyQo46n4L/I+up8TXO73SFZlz+' +
  'sBbOjSIM1KU3tawje3kC2JpH6yKrSJsBq5Lr8l0mwWmgttus5h6q3BPU1aYzo01a221DXnPlJ8ZsZrllpbcY7oensYbyWHka2jcrWFoJu/vxvhUk' +
  'DmIqHODXypVe1ky66DNJSZndQBZRir8J5z+PL7CeGl3+d6jQE04VZ/ELqvzHcnEojYckifTrDGLSMJS+ouzeiNgLDZOyOL8brtwTtFUS8Z06r7zN' +
  'sxruoHAFF21GqbLL1OT3A2nMICZ5GrDe3QnhIPL3+0+QOIipkBU2RK9xyaRRn0lt7HHtRZksA+sICJP0Ge+gFdWoFsqo0LbJw+UzaUgtiMylCrhS' +
  'E3qLk0waRQl5L7pc4duE72SYBHm82FwhXLknqJZcmtUYJpkODoNdZSbBl3YdQ/1AGjNo5XoasN7vwoagzPpWkDiI6SDs0aC2I4JJkx6ThpAFTLJJ' +
  't/HCKk4DGqNx7Keo0CE+Xolj0iDyvISBKi5o501MvLNy74KU8Nrc3L1qmTRsKLYQqtwTQBJx0/ZEm9SCzV59RnNvd6QfWKPO3RB4Gox9EBuCFWQI' +
  '+lCQOIjpILyGurYjHZE9chUP1oyX6XEFrbydVtLmZ7zS4jVcoZfR5/1M8rO++7amNwiRxe/U62VviTgP1zBpELqAjcOK3macQBvSXBKTdHPzDXeq' +
  'aU77ZjHEJK1R58WjH47V6HMr5AsSBzEdRMLIqj5odIozoiw3WMhfUDM6jjNSnjWUcvnle2i4Qrv8k6e+XY4yCa9r6W6dbutOqDOdTkC4DXZG55c4' +
  'JmljVQ5V7gmqk9jxCjPJNHeEF578pI70NrUVi2eS0VAnh1/FaPS7FfIFiYOYDiLGYnyeTnFE7CRusJC/4B3e8TF5TcRRfoZomaBhC81ABGk1wqRO' +
  'seLNUcmEfTIuOiDKP+OyL2MmbTPGqhaq3BO0lbHR2ZcjTDLNhSjXOxB61VZsLJZJvsZiVOM6bAiqyBD0pSBxEFNCeEdHzLRkhNvrBqvu/AVx44RS' +
  'x4s8ysbhFimw+XiZradhC9UXC59hLm827Asr4yH3zXbiz17+ZVNHB7IqvJ2rWtYZJm0PD4Kp3BPUVXj7hE7i3C646zzcXIgOgPfX6MUkq5H574+9' +
  'ZTL1Yo0BfDUzhwxBfwoSBzEl9tv4jpiWbnHBDlbQQJukuKaYsm/EpcOS4fQvn+QmINxDwxYqbNjRV7ra64Z4Engl0lN9r7sGneHuiCcmpgNsD5r8' +
  'U3sO/TM6WxWNK74IflQtVLknOMAL37n5D1Vdchtd5yENEaQuvP2vHNYE2MIglkleB9mjOoiHNbZzFB5ooGhGfwoSBzG1o2R8dTEtdb5kB2sIhfzl' +
  '1rqItlYUds49a09jiRpuBlp8V0V6fIsoMqnY1y3JObQXPSPc85sGdI2XQ4m6DZP2mkFYDFXuCfINnIi+jW5qkMaQ8vxuVBUGhhcTUSb5HZSrezGs' +
  'ITrxOLKyznb3pyBxEFNizZowMS2D/LQdrP3oXP5H4zjA3lbCsywiSrO9NdAMtNVnH4LIBTAJ7s2F16JyrZ813tG0f6tTMtu6uyuNMskc6lzlvuA6' +
  'fM/Xdtd5WGNYLYdco+B4kYtjkt9B2fmLYY1cG51HHuFyEenV15eCxEFkqR/aOG2nJct32cHCEf8qer7gOvNMiRvDs7010AxU1R4wADEi7HGvFOW9' +
  'lmVSgM2eFBdcunlkneM9blS5L8j9O7Jo2OP2NI6AiVnt6XGHOihPsYcjHre443NL/hiyBX0pSBzEdMiIW8lpOy3iRvegGayOi1CdQFZInPRDVB3g' +
  '1/TUwDPQwAdx7+ymdIeTmDTH9Yt9Tz2HjqbxUQBUeehkG9x0R9tUgZmENLbjSENyFCDUQTkK747GDfrfECFB4iCmwwgfbWqXRE5Li//ADBa6f+ma' +
  'R8WUQvgxLhuFTtBAM6CDgzrM7MeTaqmYJLs4GmHSiJn+1VDlvgAWQjnKJKSho58Q3e1q4l8bExd7gcUxKaTR94YICRIHMR3q/HxdH2bktOznn9aD' +
  'lXPucwbdcIiKzrHwGO7uqeExaSqBSWtqQSQyqTuOZn0pwiStN6cMG67cE8BwmfMIYhLW2ItvZOAzpoNeXGy8El6SZ1lU42pylRIHMRXEuXp1RC9y' +
  'OS0DvKAHC92cDuMAVTsSQB9ZR8Pzk/AlKmbSNtWNJCZl3Xl0AHfRMEnPHFx64co9AYzTuSiThpNuief0nnsxGhcbjSzJJRajcRW5SomDyNI9CzDt' +
  'ngUoqpCQHix0czpo5ldtYePRq7vzPTW8s5uKHg1DmzGTdihyJTHpBld0HT+3YpiU0QeuXeHKPQHc4q1GmYQ1dBwdntib0UfN2XA/wh2Uj3ivshgN' +
  'teQZsgX9K0gcxJRxydNy1Gp2WuYMk6wfLQ3+efQ8CboQCfQYlntpeDMAD5u1YMliJuVV1D6BSV9u2IdVsl6Qwz7ppu4O9b2y11wsUPXbchGTsAY8' +
  'TTcEq0sNT9xNdLiDuY/qc0tYQy35GrIFY30rSBzEVJiTbDTPTBbh+uNkOHSyl78urzVur6gpLqkn6e9VGvd88ebfdw23EjRCa7nw/KEv6Ggk3Jbo' +
  'bwS0+Tf3HHo2hknBg8813AO+N3hxV8MkUdTjlUP6WOZVjgWK9UuxTEIaIo7+O9GpUf0MzJ7g/2Nuov0Ovv+mn5gvAYQ11JJ3MeVH0GT2nSBxEFNA' +
  'BOAqkoYTdlp2GCbtdF8sOq6f9Z9VbjVAmUD9+g3WS8ObAR1mnsJP35bwtzUuhpk00EBVSCosxzHpQyhc7lWOBZKHLuCJmORp6Dj6ko662q8NeP3w' +
  'ND6KvvAS1pBL/kX05oHZ/hUkDmIqNwm+WzJpH/cTVxaHNS/OuiULOO++6gF2CEZtcoH10oCN76S7iDbTJLYa9I2AfBXdZCAmHXePeqs6Jj2TapiU' +
  'a7onBrzKsUDuOudZrE1CGhBHnzJfd3DX/LgfWEMtruIii9W4mpA4iGl0q8omzyntmWnY75Y1yew+oL+ABN7+M1CD8va/LAd9smxpGa+hnDljSVSY' +
  '+VeeIfmGC18Xf2TP+mfcDTP/dcVR34tyzFgTc1A0ZbwWUzkSCO6iWFjdbZO+hmyIfiCKBf8m/v4EcuCXoxriEXReutduxr7GVYXEQUyBB+FZaXXs' +
  'yCutzGe16PoU6of+ev47bm56aPzWfb/1pjs+F/+ZW+68fY99s88EgPLff/p36EPv8VTySOG+/9gTWywWZNDAZGpJjd331NM2WB9cfyfqIeoHwh++' +
  '/0X055DGVYXEQSQQCAQCgUAgEAgEAoFAIBAIBAKBQCAQCAQCgUAgEAgEAoFAIBAIBAKBQCAQCAQCgUAgEAgEAoFAIBAIBAKBQLjq8SdiJsz9XMV8' +
  'qgAAAABJRU5ErkJggg==';

const ARA =
  'iVBORw0KGgoAAAANSUhEUgAAAUIAAAAyBAMAAADb1s/aAAAAMFBMVEXr6+sBAQHY2Njj4+Po6Ojd3d2ysrLPz88WFhaamposLCxDQ0Nubm5ZWVnA' +
  'wMCDg4Mup63/AAAACXBIWXMAAAPoAAAD6AG1e1JrAAAHbElEQVRYw6VZX2xTVRg/6W27des6jsJo94d17UomGFMLJIqJ6Qp7IQZL1xvRQNI+EF7E' +
  'MKIgRMyqAUQCdBgEI4lrFCSAUhLCJkjSmRhRidkkirx1PhkfpCVRo2L0O+fc3t5ze//0Xu7D3drz/fmd73zf75zzFSHyxOLkLQyi+iNEokjvcSSR' +
  '/UfyFTaTc6VTgGDnVvrBKYmn4nWAIX2AyDloH2DNVyxuIpiKC5F4DWEtJi7ZszMVNdS2j9Al+RJMZknGR8I1hHLs5H9iaUP1B1jmWIMv7ScRpTAY' +
  'wvp0ahOMmWSJ/WV2hut5Zi7nTDGECXlFnRH6Z8Q0jVMPusiyL2M5gSEUVbEdiZhlsWJSFh/F1BLJJpKBIlTmLFk+IWQK0DTPm9FzhptII4rQEeVq' +
  '3KSMpUe0h5DzZUA4cnwpwhhnIp1KN+PK5jInlKBGkuYBoAi5jBV2pZtbrqAthKJ2XesnA0HIMYcz1UQS0idii2sGtblRf4UIQpci1kIq7UpaZF57' +
  'XMM+Bk1DTRAqUmNNKG1YYQbObKShPiUqKh4Qjsp4natCK02C4zBMIgeySvQ84nsaZQgIUztGqdjaVSFy3mpJugyobpvhMm9rVGjhI62eleTLQ005' +
  '+mviinoChEI4FQqJYigUIQFEHRmjGrhmuMzXGhXAnCEBMCytl8nb7Y8ycSWtA0Lg0LUrxNGVUkQG8kZUd9Xw9ACjr6u+AnN6fK1g5rE+irA7zsSV' +
  'AABhjFfJVrR3NPdR8r4hffJktLaVG0golHgFMGeYGGyaWUzEfEskcaVhQKhKjWxJ++S2EZfhXZVG5nu1tpVqvBPP8grZkslWSX2tw10kZxczcS5C' +
  'gFAVsLFZmmEJtaXldCGyUiLNBRSWZNlsULgR5BXGZhUiWqdKms2Ogn87IFzExLmZA0JVvg8XKZGcajB1jDossw/PFhUhkWVh1KVSGC4qRLQolFHi' +
  'axMfwio/zMS5SANC1Yq2TtJ8+UQjFd8DhxkNNpNl+VGqQM3VRBxx3Q2uE9LGPU7F+UhL9xSJC4iB9nEy2fB57UJuzWhsWiDro2QLo748r0DNURHl' +
  'IWrZfoVXVgiXMshdpOJ8pDmE7Z8SAltEbU1rIMxlUGte4/TwE0JDmAzA6Hwfr8DMERHl8k30KgucBnFoH/LMUnG+4DmEY8SNdzGd2IxGylRLqC2v' +
  'sWmBbBUTnzBawBVOgZlD1Fx9+ZYd4VoHlJz6kLdCxFW7KYdwE6n5zi42S1VKEShPTKK2isbZZKKMfsUYeKKt4u7Bb3IKNXNlgyMlY+2ZcnuZiKvK' +
  'iUOIlnfHkYeZzP6OPJ9LhbtGHEWEBbyLUDtEhfm5XT89ZPPoVYz7IU1KHVMFpl9TqJnLg7mfdfaqQRrE1ZMbYScIiM/FDRCiGUj1ANutvghXcfc7' +
  '9MATElOPSJwPCAdYGA/VN4mBEro9NI0zMNpOkZJNJ88UauZKiJlrfJa2TCbCYMbddd+5amlA3MXOBzoI20rIwUwOX34SY+y/8wo7UDy1g8x/P+qY' +
  'RROUg304IzPccNF9q31roQijHbj/KKs6ulb7ZXNFNzW3nT/4fABSf3QucMbIqerqkVAkFnAFR0JJfYRQTSiAOmFG1YXLTtwtgNUDdGA1TecrqGMS' +
  'raMIHTm6nTkfpbJe/7no0DiMtly7d5Ap0PcVhbnju8Gc/4DCm28On0boYscCuFOFxND8aYhFAIqPO9cqEb6M1v8N3g+ix3/87f3+wB20ew4QMsb9' +
  'JUqIdQp5A2ShaWaxgQEq68G455tJMiqcfEhSIO8pHXOshmf8uZ64F18n3wkrVlTJ1A+Kqqu+EuH0OVqQZ9A8WPrT3zcNU75+k1XLfAWKYvM4AigF' +
  'VuUSFVNZnOuG+FRgNHdJYpt58gcUtM3tIYw91lv24ENnc5gx2OZeYvHMoOpyoER4CQIBdXoabcDAbvAJfyanzYa+LU+/mIODWQF3s1rzMYSS7C3f' +
  'vxcQGZUKhSgkiIK2OcrYc33b0Qzu2nuIhvuxt18i5P5xtPEWID8n/ZReSsj337tRtAcfPq7YbsAB7gG9vXhKOv6x9fLdBNmxgCS2F18oqxTq5k7U' +
  'zRHGFnK4N/oMrm0BMLkl8OdL9Q1LVSm6T0sOHP6g/OaFkuGVr1FBfTgUIKxFxQ6J8b76thOLWkWINp09/12Qs1827huAwleGLUcv5hDevf9XUKtB' +
  '2zRC9UVteY/Vm716z6vit3IZ3TZBxBZCpl7eA6njyb2hulBa63pBSA9vMWrQylAtIaTNa3d3oefrUwV/2WoDR9VucFcM+xiupB2ENJNW48JH2zD+' +
  '3nKfTlUonSXDXhDf4bTUWvMc9pTR88est2NVFeWd1buz8BOyhpAulKh9obTYl0PeSY1FDjYmhTWEOtznCtrQ9Sw0bvjV5K0h1PkVxSlaL2XkXmzS' +
  'NA3bQaj3K0qiiVZiTB3TLpO1iNlCqFO2zTRFG+J80YSPpKBbRKiXcbGo9QS5btIZl/YgiwiRDrGY/1jceM/71mz6YVsI9WrCNIiNNPCPyaYj+dq5' +
  '9X/mVOA2ET4BhgAAAABJRU5ErkJggg==';

export const WARMUP_IMAGES: Record<OcrLanguage, Buffer> = {
  eng: Buffer.from(ENG, 'base64'),
  ara: Buffer.from(ARA, 'base64'),
};

/** The MRZ's characters, as the passport module asks for them. */
const MRZ_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

/** The part of the English crop read at boot: the left half of the MRZ's first line (`P<EGYQUINEVANI<<ANELLE<<<…`). */
const ENG_WARMUP_REGION = { left: 0, top: 0, width: 600, height: 62 };

/** The warm-up page: the size of the pages the documents read (passport printed zone 1125×638, ID card 1006×639). */
const PAGE = { width: 1100, height: 700 };

/**
 * What each worker of a language reads at boot: a crop as a text block, then the same crop on a page the size of a
 * document image, read with automatic layout. The second matters as much as the first: a worker's first large page
 * grows its WebAssembly memory and sets up page layout analysis. For English, half an MRZ line rather than the whole
 * MRZ: the same paths for about half the reading time, all of which is spent before /health says ready.
 */
export async function warmupRequests(lang: OcrLanguage): Promise<OcrRequest[]> {
  const crop = lang === 'eng' ? await sharp(WARMUP_IMAGES.eng).extract(ENG_WARMUP_REGION).png().toBuffer() : WARMUP_IMAGES[lang];
  const { width = 0, height = 0 } = await sharp(crop).metadata();
  const page = await sharp(crop)
    .extend({ right: Math.max(0, PAGE.width - width), bottom: Math.max(0, PAGE.height - height), background: '#ffffff' })
    .png()
    .toBuffer();
  return lang === 'eng'
    ? [
        { image: crop, lang, psm: '6', whitelist: MRZ_CHARACTERS },
        { image: page, lang, psm: '3' },
      ]
    : [
        { image: crop, lang, psm: '7' },
        { image: page, lang, psm: '3' },
      ];
}
