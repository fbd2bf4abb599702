/** Korean particles by the final consonant (받침) of the word before them, not the mechanical "이(가)". */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { hasFinalConsonant, particleFor, withParticle } from '../../src/verdict/particle.js';

it('chooses 이/을/은/과 after a final consonant and 가/를/는/와 after a vowel', () => {
  assert.equal(withParticle('검증기관', '이/가'), '검증기관이');
  assert.equal(withParticle('은행', '이/가'), '은행이');
  assert.equal(withParticle('증명서', '이/가'), '증명서가');
  assert.equal(withParticle('증명서', '을/를'), '증명서를');
  assert.equal(withParticle('운전면허증', '을/를'), '운전면허증을');
  assert.equal(withParticle('키', '은/는'), '키는');
  assert.equal(withParticle('발급기관', '과/와'), '발급기관과');
  assert.equal(withParticle('지갑', '이에요/예요'), '지갑이에요');
  assert.equal(withParticle('QR 코드', '이에요/예요'), 'QR 코드예요');
});

it('takes 로, not 으로, after a vowel or ㄹ, and 으로 after another consonant', () => {
  assert.equal(withParticle('서울', '으로/로'), '서울로');
  assert.equal(withParticle('지갑', '으로/로'), '지갑으로');
  assert.equal(withParticle('창구', '으로/로'), '창구로');
});

it('reads digits as Sino-Korean numbers: 1 일, 2 이, 3 삼, 10 십', () => {
  assert.equal(withParticle('1', '이/가'), '1이');
  assert.equal(withParticle('2', '이/가'), '2가');
  assert.equal(withParticle('10', '이/가'), '10이');
  assert.equal(withParticle('3', '을/를'), '3을');
  assert.equal(withParticle('E-9', '이/가'), 'E-9가');
  assert.equal(withParticle('7', '으로/로'), '7로');
  assert.equal(withParticle('6', '으로/로'), '6으로');
});

it('reads Latin letters as spelled in Korean: URL 엘, KB 비, PIN 엔, API 아이', () => {
  assert.equal(withParticle('URL', '이/가'), 'URL이');
  assert.equal(withParticle('KB', '이/가'), 'KB가');
  assert.equal(withParticle('PIN', '을/를'), 'PIN을');
  assert.equal(withParticle('API', '은/는'), 'API는');
});

it('reads a Latin word as Korean writes the loanword: verifier 베리파이어, Seoul 서울, Zoom 줌', () => {
  assert.equal(withParticle('test verifier', '이/가'), 'test verifier가');
  assert.equal(withParticle('Seoul', '으로/로'), 'Seoul로');
  assert.equal(withParticle('Zoom', '이/가'), 'Zoom이');
  assert.equal(withParticle('Kakao Bank', '이/가'), 'Kakao Bank가');
});

it('skips closing quotes, spaces and a parenthesised gloss to the word the particle follows', () => {
  assert.equal(withParticle('행정안전부 (세종)', '이/가'), '행정안전부 (세종)가');
  assert.equal(withParticle('커피(coffee)', '을/를'), '커피(coffee)를');
  assert.equal(withParticle('(세종)', '이/가'), '(세종)이');
  assert.equal(withParticle('「모바일 공무원증」', '을/를'), '「모바일 공무원증」을');
  assert.equal(particleFor('', '이/가'), '가');
});

it('reads decomposed Hangul (NFD) like the composed form', () => {
  assert.equal(hasFinalConsonant('은행'.normalize('NFD')), true);
  assert.equal(hasFinalConsonant('서'.normalize('NFD')), false);
});
